import type * as OpenIdClient from 'openid-client';
import type { SsoConfig } from '@brigade/config';

/** What the platform keeps between sending the browser to the provider and its return. */
export interface AuthorizationRequestChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface ProviderSignIn {
  issuer: string;
  subject: string;
  /** The ID token's claims, with the userinfo claims merged in when configured. */
  claims: Record<string, unknown>;
  /** Kept to name the session when signing out at the provider (id_token_hint). */
  idToken: string;
}

/**
 * The platform as an OpenID Connect relying party, behind openid-client (an ES module, loaded on first use): the
 * authorization code flow with PKCE (S256), state and nonce; the client authenticates with its secret; the ID token's
 * signature, issuer, audience, expiry and nonce are checked by the library.
 */
export class OidcRelyingParty {
  private loaded: Promise<{ client: typeof OpenIdClient; configuration: OpenIdClient.Configuration }> | null = null;

  constructor(private readonly config: SsoConfig) {}

  private load() {
    // Discovery is retried on the next sign-in if the provider was unreachable.
    this.loaded ??= (async () => {
      const client = await import('openid-client');
      const metadata: Partial<OpenIdClient.ClientMetadata> = { id_token_signed_response_alg: this.config.idTokenAlg };
      if (this.config.userinfoSignedAlg) metadata.userinfo_signed_response_alg = this.config.userinfoSignedAlg;
      const configuration = await client.discovery(
        new URL(this.config.issuer),
        this.config.clientId,
        metadata,
        client.ClientSecretBasic(this.config.clientSecret),
        { execute: this.config.allowHttp ? [client.allowInsecureRequests] : [], timeout: 10 },
      );
      return { client, configuration };
    })().catch((error: unknown) => {
      this.loaded = null;
      throw error;
    });
    return this.loaded;
  }

  async authorizationUrl(): Promise<{ url: string; checks: AuthorizationRequestChecks }> {
    const { client, configuration } = await this.load();
    const checks = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier() };
    const parameters: Record<string, string> = {
      redirect_uri: this.config.redirectUri,
      scope: this.config.scopes,
      response_type: 'code',
      state: checks.state,
      nonce: checks.nonce,
    };
    if (this.config.pkce) {
      parameters.code_challenge = await client.calculatePKCECodeChallenge(checks.codeVerifier);
      parameters.code_challenge_method = 'S256';
    }
    if (this.config.acrValues) parameters.acr_values = this.config.acrValues;
    return { url: client.buildAuthorizationUrl(configuration, parameters).href, checks };
  }

  /** Exchanges the code of the callback URL (checking state, PKCE and nonce) for the person's verified claims. */
  async complete(callbackUrl: URL, checks: AuthorizationRequestChecks): Promise<ProviderSignIn> {
    const { client, configuration } = await this.load();
    const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
      pkceCodeVerifier: this.config.pkce ? checks.codeVerifier : undefined,
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims();
    if (!idClaims || !tokens.id_token) throw new Error('the provider returned no ID token');
    let claims: Record<string, unknown> = { ...idClaims };
    if (this.config.userinfo) {
      const userinfo = await client.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
      claims = { ...userinfo, ...claims };
    }
    return { issuer: configuration.serverMetadata().issuer, subject: idClaims.sub, claims, idToken: tokens.id_token };
  }

  /** The provider's sign-out page for this ID token, or null when the provider has none. */
  async endSessionUrl(idToken: string): Promise<string | null> {
    const { client, configuration } = await this.load();
    if (!configuration.serverMetadata().end_session_endpoint) return null;
    // ProConnect requires a state on sign-out too; the desk's sign-in screen does not need it back.
    const parameters: Record<string, string> = { id_token_hint: idToken, client_id: this.config.clientId, state: client.randomState() };
    if (this.config.postLogoutRedirectUri) parameters.post_logout_redirect_uri = this.config.postLogoutRedirectUri;
    return client.buildEndSessionUrl(configuration, parameters).href;
  }
}
