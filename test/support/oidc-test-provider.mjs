// A real OpenID Connect provider (oidc-provider) on loopback for the single sign-on tests, run as its own Node process
// because the package is an ES module. Reads its settings as JSON from OIDC_TEST_SETTINGS and prints its issuer URL.
// Its development sign-in form accepts any login: the login names the account, whose claims the test chose.
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const settings = JSON.parse(process.env.OIDC_TEST_SETTINGS ?? '{}');
const port = Number(settings.port);
const issuer = `http://127.0.0.1:${port}`;
// Read at every sign-in, so that a test can change a person's groups between two sign-ins.
const accounts = () => (settings.accountsFile ? JSON.parse(readFileSync(settings.accountsFile, 'utf8')) : {});

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: settings.clientId,
      client_secret: settings.clientSecret,
      redirect_uris: settings.redirectUris,
      post_logout_redirect_uris: settings.postLogoutRedirectUris,
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  pkce: { required: () => true },
  scopes: ['openid', 'profile', 'email', 'groups', 'offline_access'],
  claims: {
    openid: ['sub'],
    profile: ['name', 'given_name', 'family_name', 'usual_name'],
    email: ['email'],
    groups: ['groups', 'units'],
  },
  cookies: { keys: ['oidc-test-provider-cookie-key-0123456789'] },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  async findAccount(_ctx, id) {
    const claims = accounts()[id] ?? { email: `${id}@example.test`, name: id };
    return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
  },
});
provider.on('server_error', (_ctx, error) => console.error('oidc-test-provider server_error', error));

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`OIDC_TEST_PROVIDER_READY ${issuer}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
