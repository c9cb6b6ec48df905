// A real OpenID provider (npm oidc-provider) for the SSO tests; tests/oidc/conftest.py starts it on a free
// loopback port and stops it by pid. Accounts and their claims come from the ACCOUNTS environment variable
// (JSON: {"login": {"acr": ..., "amr": [...], "hsa_id": ..., "groups": [...]}}); a test changes them, disables
// an account or makes the provider misbehave (TAMPER: a wrong audience, a stale or missing nonce, an expired
// ID token) through POST /_test/config, so every refusal is checked against tokens a real provider signed.
import http from 'node:http';
import { URL } from 'node:url';
import Provider, { interactionPolicy } from 'oidc-provider';
import { SignJWT, decodeJwt, exportJWK, generateKeyPair } from 'jose';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const state = {
  accounts: JSON.parse(process.env.ACCOUNTS || '{}'),
  disabled: new Set(),
  tamper: '',
  lastNonce: null,
};

// A deactivated account's IdP session no longer counts: a silent (prompt=none) request gets login_required,
// as Entra ID or Inera's IdP answer for a user disabled since signing in.
const policy = interactionPolicy.base();
policy.get('login').checks.add(new interactionPolicy.Check('account_disabled', 'the account is disabled',
  'login_required', (ctx) => (state.disabled.has(ctx.oidc.session?.accountId)
    ? interactionPolicy.Check.REQUEST_PROMPT : interactionPolicy.Check.NO_NEED_TO_PROMPT)));

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.CLIENT_ID || 'ungdomsinsats',
    client_secret: process.env.CLIENT_SECRET || 'test-secret',
    redirect_uris: (process.env.REDIRECT_URIS || '').split(',').filter(Boolean),
    post_logout_redirect_uris: (process.env.LOGOUT_URIS || '').split(',').filter(Boolean),
  }],
  jwks: { keys: [jwk] },
  claims: {
    openid: ['sub'],
    profile: ['name', 'given_name', 'family_name', 'hsa_id', 'groups'],
    email: ['email'],
  },
  findAccount: async (ctx, id) => {
    const account = state.accounts[id];
    if (!account) return undefined;
    return {
      accountId: id,
      claims: async () => ({ sub: id, name: account.name, given_name: account.given_name,
        family_name: account.family_name, hsa_id: account.hsa_id, groups: account.groups || [] }),
    };
  },
  // First-party client: no consent screen, the grant covers what was asked for.
  loadExistingGrant: async (ctx) => {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope(ctx.oidc.params.scope || 'openid');
    grant.addOIDCClaims(['sub', 'name', 'given_name', 'family_name', 'hsa_id', 'groups', 'email']);
    await grant.save();
    return grant;
  },
  acrValues: ['loa2', 'loa3'],
  features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
  pkce: { required: () => true },
  ttl: { IdToken: 3600, AccessToken: 3600, Session: 3600, Interaction: 600, Grant: 3600 },
  interactions: { policy, url: (ctx, interaction) => `/interaction/${interaction.uid}` },
});

// The provider signed the ID token; a tampering mode re-signs it with the same key after changing one claim,
// exactly what a misbehaving or hostile provider could send.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path !== '/token' || !ctx.body || !ctx.body.id_token) return;
  const claims = decodeJwt(ctx.body.id_token);
  const previousNonce = state.lastNonce;
  state.lastNonce = claims.nonce;
  if (!state.tamper) return;
  if (state.tamper === 'audience') claims.aud = 'en-annan-tjanst';
  if (state.tamper === 'no_nonce') delete claims.nonce;
  if (state.tamper === 'stale_nonce') claims.nonce = previousNonce || 'gammal-nonce';
  if (state.tamper === 'expired') { claims.iat -= 7200; claims.exp = claims.iat + 60; }
  ctx.body.id_token = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'JWT' })
    .sign(privateKey);
});

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'POST') {
    const form = await readForm(req);
    const login = form.get('login') || '';
    const account = state.accounts[login];
    if (!account || state.disabled.has(login)) {
      // An unknown login at the IdP itself: the provider would refuse; tests of unknown users use known IdP
      // accounts that the product does not know.
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<p id="op-error">Unknown account</p>');
      return;
    }
    await provider.interactionFinished(req, res, {
      login: { accountId: login, acr: account.acr || 'loa3', amr: account.amr || ['pwd', 'mfa'] },
    }, { mergeWithLastSubmission: false });
    return;
  }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html lang="en"><title>Test IdP</title><h1>Test IdP sign-in</h1>
<form method="post" action="/interaction/${escape(details.uid)}">
<label>Login <input name="login" autofocus></label><button type="submit">Sign in at IdP</button></form>`);
}


const callback = provider.callback();
http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    if (url.pathname.startsWith('/interaction/')) return await interaction(req, res);
    if (url.pathname === '/_test/config' && req.method === 'POST') {
      let raw = '';
      for await (const chunk of req) raw += chunk;
      const change = JSON.parse(raw || '{}');
      if (change.accounts) state.accounts = { ...state.accounts, ...change.accounts };
      if (change.disable) state.disabled.add(change.disable);
      if ('tamper' in change) state.tamper = change.tamper;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ tamper: state.tamper, disabled: [...state.disabled] }));
      return;
    }
    return callback(req, res);
  } catch (error) {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(String(error));
  }
}).listen(port, '127.0.0.1', () => console.log(`op listening ${issuer}`));
