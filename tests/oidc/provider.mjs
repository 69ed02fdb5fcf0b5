// A real OpenID provider on loopback for the sign-in tests: `node provider.mjs PORT CONFIG.json`.
// CONFIG names the client (id, secret, redirect URIs) and the users (id -> their claims: email,
// email_verified (true unless given), name, groups; and token_seconds, how long their identity
// token lasts, an hour unless given). Its own development login screens accept any password: a user
// signs in with their id.
import fs from 'node:fs';
import Provider from 'oidc-provider';

const [port, configPath] = process.argv.slice(2);
const config = JSON.parse(fs.readFileSync(configPath, 'utf8'));
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: config.client_id,
    client_secret: config.client_secret,
    redirect_uris: config.redirect_uris,
    post_logout_redirect_uris: config.post_logout_redirect_uris || [],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
  scopes: ['openid', 'email', 'profile', 'groups'],
  ttl: { IdToken: (ctx, token) => config.users[token.available.sub]?.token_seconds ?? 3600 },
  conformIdTokenClaims: false, // the id token carries the claims the app reads (email, groups)
  pkce: { required: () => false },
  cookies: { keys: ['modelbrief-test-only'] },
  features: { devInteractions: { enabled: true } },
  // the app is the provider's own first-party client: its consent is granted up front, as a company's
  // provider does for its own apps, so signing in is the login screen alone
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile groups');
    await grant.save();
    return grant;
  },
  async findAccount(ctx, id) {
    const user = config.users[id];
    if (!user) return undefined;
    const { token_seconds: _, ...claims } = user;
    return { accountId: id, async claims() { return { sub: id, email_verified: true, ...claims }; } };
  },
});
provider.listen(Number(port), '127.0.0.1', () => console.log(`ready ${issuer}`));
