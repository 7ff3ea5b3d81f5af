import { z } from 'zod';

/**
 * Settings of outgoing mail (SMTP), of reports to territorial units and of the e-mail channel. Mail is off until
 * SMTP_HOST is set; the inbound SMTP listener is off until INBOUND_SMTP_PORT is set.
 */
const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

export const DEFAULT_REPORT_NATURES =
  'violences-intrafamiliales=Violences intrafamiliales|violences-sexuelles=Violences sexuelles et sexistes|' +
  'conflit-voisinage=Conflit de voisinage|escroquerie=Escroquerie, arnaque|vol=Vol, cambriolage|' +
  'atteinte-biens=Dégradation, atteinte aux biens|harcelement=Harcèlement, menaces|autre=Autre';

export const mailEnvironmentShape = {
  SMTP_HOST: z.string().default(''),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  /** true: TLS from the first byte (port 465); false: STARTTLS when the server offers it. */
  SMTP_SECURE: booleanFromEnv.default(false),
  /** Refuse to send when the server does not offer STARTTLS. */
  SMTP_REQUIRE_TLS: booleanFromEnv.default(false),
  SMTP_TLS_REJECT_UNAUTHORIZED: booleanFromEnv.default(true),
  SMTP_USER: z.string().default(''),
  SMTP_PASSWORD: z.string().default(''),
  SMTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(30_000),
  MAIL_FROM: z.string().default('Brigade numérique <ne-pas-repondre@brigade.example.fr>'),
  REPORT_NATURES: z.string().default(DEFAULT_REPORT_NATURES),
  /** Code of the unit that receives a report when no unit covers the commune (empty: the gendarme must choose). */
  REPORT_FALLBACK_UNIT: z.string().default(''),
  REPORT_WEBHOOK_SECRET: z.string().default(''),
  REPORT_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  REPORT_DELIVERY_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  REPORT_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(30_000),
  /** Port of the platform's own SMTP listener for citizens' replies and bounces; 0: off. */
  INBOUND_SMTP_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  INBOUND_SMTP_HOST: z.string().default('0.0.0.0'),
  /** Domain of the reply addresses (reply+<token>@domain) the MX sends to the listener; empty: MAIL_FROM's domain. */
  INBOUND_MAIL_DOMAIN: z.string().default(''),
  /** Largest inbound mail accepted (bytes, the SMTP SIZE); larger ones are refused with 552. */
  INBOUND_MAIL_MAX_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(5 * 1024 * 1024),
  /** Address citizens' answers, the continue link and the contact page are built on (https://chat.example.fr). */
  PUBLIC_BASE_URL: z.string().url().default('http://127.0.0.1:3000'),
  /** Hours the signed "continue in the web chat" link of an answer mail stays valid. */
  EMAIL_CONTINUE_LINK_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(24 * 14),
  /** Contact-form messages accepted per minute from one address (IP), per API process. */
  CONTACT_FORM_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(5),
};

type MailEnvironment = z.infer<z.ZodObject<typeof mailEnvironmentShape>>;

export interface ReportNature {
  key: string;
  label: string;
}

export interface MailConfig {
  smtp: {
    /** Empty: no mail is sent (deliveries by e-mail fail with that reason). */
    host: string;
    port: number;
    secure: boolean;
    requireTls: boolean;
    tlsRejectUnauthorized: boolean;
    user: string;
    password: string;
    timeoutMs: number;
  };
  /** The deployer's sender identity, "Name <address>". */
  from: string;
  /** The e-mail channel: inbound listener, reply addresses, continue links. */
  inbound: {
    /** 0: no listener. */
    smtpPort: number;
    smtpHost: string;
    /** Domain of reply+<token>@domain. */
    domain: string;
    maxBytes: number;
  };
  publicBaseUrl: string;
  continueLinkTtlHours: number;
  contactFormPerMinute: number;
}

export interface ReportsConfig {
  natures: ReportNature[];
  fallbackUnitCode: string | null;
  /** HMAC-SHA256 key of the webhook signatures (X-Brigade-Signature). */
  webhookSecret: string;
  webhookTimeoutMs: number;
  /** Attempts of one delivery (e-mail or webhook) before it lands in the dead letter list. */
  deliveryAttempts: number;
  /** First retry delay; each next one doubles. */
  retryBaseMs: number;
}

export function mailConfigFromEnv(e: MailEnvironment): { mail: MailConfig; reports: ReportsConfig; problems: string[] } {
  const problems: string[] = [];
  const natures: ReportNature[] = [];
  for (const pair of e.REPORT_NATURES.split('|').map((part) => part.trim()).filter(Boolean)) {
    const [key, label] = pair.split('=').map((part) => part?.trim());
    if (!key || !/^[a-z][a-z0-9-]{0,39}$/.test(key) || !label) {
      problems.push(`REPORT_NATURES: "${pair}" is not key=Label (key: lowercase letters, digits, "-")`);
      continue;
    }
    natures.push({ key, label });
  }
  if (natures.length === 0) problems.push('REPORT_NATURES: at least one nature is needed');
  if (!/<[^<>@\s]+@[^<>@\s]+>$|^[^<>@\s]+@[^<>@\s]+$/.test(e.MAIL_FROM.trim())) {
    problems.push('MAIL_FROM: must be an address or "Name <address>"');
  }
  return {
    mail: {
      smtp: {
        host: e.SMTP_HOST,
        port: e.SMTP_PORT,
        secure: e.SMTP_SECURE,
        requireTls: e.SMTP_REQUIRE_TLS,
        tlsRejectUnauthorized: e.SMTP_TLS_REJECT_UNAUTHORIZED,
        user: e.SMTP_USER,
        password: e.SMTP_PASSWORD,
        timeoutMs: e.SMTP_TIMEOUT_MS,
      },
      from: e.MAIL_FROM.trim(),
      inbound: {
        smtpPort: e.INBOUND_SMTP_PORT,
        smtpHost: e.INBOUND_SMTP_HOST,
        domain: e.INBOUND_MAIL_DOMAIN.trim().toLowerCase() || domainOf(e.MAIL_FROM),
        maxBytes: e.INBOUND_MAIL_MAX_BYTES,
      },
      publicBaseUrl: e.PUBLIC_BASE_URL.replace(/\/+$/, ''),
      continueLinkTtlHours: e.EMAIL_CONTINUE_LINK_TTL_HOURS,
      contactFormPerMinute: e.CONTACT_FORM_PER_MINUTE,
    },
    reports: {
      natures,
      fallbackUnitCode: e.REPORT_FALLBACK_UNIT.trim() || null,
      webhookSecret: e.REPORT_WEBHOOK_SECRET,
      webhookTimeoutMs: e.REPORT_WEBHOOK_TIMEOUT_MS,
      deliveryAttempts: e.REPORT_DELIVERY_ATTEMPTS,
      retryBaseMs: e.REPORT_RETRY_BASE_MS,
    },
    problems,
  };
}

/** The domain of "Name <user@domain>" or "user@domain". */
function domainOf(from: string): string {
  return (/@([^>\s]+)>?\s*$/.exec(from.trim())?.[1] ?? 'localhost').toLowerCase();
}
