import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { QueueCatalog } from '@brigade/administration';
import { LoginThrottle } from '@brigade/agents';
import { APP_CONFIG, AppConfig } from '@brigade/config';
import { CITIZEN_LANGUAGES, CitizenLanguage, Priority } from '@brigade/conversations';
import { InvalidInputError, RateLimitedError } from '@brigade/errors';
import { IntakeService } from '@brigade/intake';
import { topicsFromQueues } from '@brigade/triage';
import { isEmailAddress, normaliseEmailAddress } from './email-address';

export const CONTACT_MESSAGE_MAX_LENGTH = 5000;

export interface ContactFormInput {
  email?: unknown;
  topic?: unknown;
  message?: unknown;
  language?: unknown;
  /** Chosen by the page for this submission: sending it twice (a double click, a retry) makes one message. */
  clientId?: unknown;
}

export interface ContactFormTopic {
  key: string;
  label: Record<CitizenLanguage, string>;
  sensitive: boolean;
}

export interface ContactFormInfo {
  topics: ContactFormTopic[];
  /** At least one gendarme is on duty and available now: the widget offers the chat first. */
  gendarmesOnDuty: boolean;
}

interface FieldError {
  field: string;
  message: string;
}

/**
 * "Laisser un message": the contact form's message enters the inbound path of every channel (durable inbox, exactly
 * once on the submission's client id, ingestion, routing) as a message of the e-mail channel from the citizen's
 * address, opening a low-priority conversation in the chosen topic's queue, with no topic menu from the assistant.
 */
@Injectable()
export class ContactFormService {
  private readonly throttle: LoginThrottle;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queues: QueueCatalog,
    private readonly intake: IntakeService,
  ) {
    this.throttle = new LoginThrottle(config.mail.contactFormPerMinute, 60_000);
  }

  async info(): Promise<ContactFormInfo> {
    const [topics, [duty]] = await Promise.all([
      this.topics(),
      this.dataSource.query(
        `SELECT EXISTS (SELECT 1 FROM agents a
                         WHERE a.active AND a.presence = 'available'
                           AND (a.duty_override = 'on'
                                OR (a.duty_override IS NULL AND EXISTS (SELECT 1 FROM shifts s
                                     WHERE s.agent_id = a.id AND s.starts_at <= now() AND s.ends_at > now())))) AS on_duty`,
      ) as Promise<{ on_duty: boolean }[]>,
    ]);
    return { topics, gendarmesOnDuty: duty?.on_duty === true };
  }

  async submit(input: ContactFormInput, ip: string | undefined): Promise<{ duplicate: boolean }> {
    const topics = await this.topics();
    const problems: FieldError[] = [];
    const email = typeof input.email === 'string' ? normaliseEmailAddress(input.email) : '';
    if (!email) problems.push({ field: 'email', message: 'Indiquez votre adresse électronique.' });
    else if (!isEmailAddress(email)) problems.push({ field: 'email', message: 'Adresse électronique invalide (exemple : nom@domaine.fr).' });
    const topic = topics.find((candidate) => candidate.key === input.topic);
    if (!topic) problems.push({ field: 'topic', message: 'Choisissez le sujet de votre message.' });
    const message = typeof input.message === 'string' ? input.message.trim() : '';
    if (!message) problems.push({ field: 'message', message: 'Écrivez votre message.' });
    else if (message.length > CONTACT_MESSAGE_MAX_LENGTH) {
      problems.push({ field: 'message', message: `Votre message est trop long : ${CONTACT_MESSAGE_MAX_LENGTH} caractères au maximum.` });
    }
    const language = CITIZEN_LANGUAGES.find((candidate) => candidate === input.language);
    if (!language) problems.push({ field: 'language', message: 'Langue inconnue (fr, en, de, it ou es).' });
    const clientId = typeof input.clientId === 'string' ? input.clientId : '';
    if (!/^[A-Za-z0-9_-]{8,64}$/.test(clientId)) problems.push({ field: 'clientId', message: 'Identifiant d’envoi invalide.' });
    if (problems.length > 0) {
      throw new InvalidInputError(problems.map((problem) => problem.message), {
        messageFr: problems.map((problem) => problem.message).join(' '),
        fields: problems,
      });
    }
    if (ip && !this.throttle.take(ip)) throw new RateLimitedError('Trop de messages envoyés : réessayez dans une minute.');
    // The id is a digest of the address and the page's client id: a client id chosen by someone else never makes
    // another citizen's message a "duplicate".
    const channelMessageId = `form:${createHash('sha256').update(`${email}\n${clientId}`).digest('hex')}`;
    const receipt = await this.intake.accept({
      channel: 'email',
      channelAccount: '',
      channelMessageId,
      sender: { externalId: email, address: { email } },
      text: message,
      attachments: [],
      sentAt: new Date().toISOString(),
      language: language as string,
      opening: { queue: topic!.key, priority: Priority.Low, topicChosen: true, sensitive: topic!.sensitive },
    });
    return { duplicate: receipt.duplicate };
  }

  private async topics(): Promise<ContactFormTopic[]> {
    return topicsFromQueues(await this.queues.all()).map((topic) => ({ key: topic.queue, label: topic.label, sensitive: topic.sensitive }));
  }
}
