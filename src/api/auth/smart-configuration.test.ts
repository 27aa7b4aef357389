import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScopes } from '../../services/auth/scopes.ts';
import {
  SIGNED_CHALLENGE_GRANT_TYPE,
  SMART_CAPABILITY_TABLE,
  smartConfiguration,
} from './smart-configuration.ts';

const document = smartConfiguration({
  issuer: 'https://st-mary.example',
  tokenEndpoint: 'https://st-mary.example/auth/token',
  challengeEndpoint: 'https://st-mary.example/auth/challenge',
  jwksUri: 'https://st-mary.example/auth/jwks',
});

test('the document has the fields SMART v2 requires for what we offer', () => {
  assert.equal(document.issuer, 'https://st-mary.example');
  assert.equal(document.token_endpoint, 'https://st-mary.example/auth/token');
  assert.equal(document.jwks_uri, 'https://st-mary.example/auth/jwks');
  assert.deepEqual(document.grant_types_supported, [SIGNED_CHALLENGE_GRANT_TYPE]);
  assert.equal(document.carechain_challenge_endpoint, 'https://st-mary.example/auth/challenge');
  assert.equal(document.carechain_token_signing_alg, 'EdDSA');
  // No authorization-code flow, so no authorize endpoint and no PKCE methods are claimed.
  assert.equal('authorization_endpoint' in document, false);
  assert.equal('code_challenge_methods_supported' in document, false);
});

test('capabilities are exactly the advertised rows of the table', () => {
  assert.deepEqual(document.capabilities, [
    'permission-v2',
    'permission-v1',
    'permission-patient',
    'permission-user',
    'context-standalone-patient',
  ]);
  for (const row of SMART_CAPABILITY_TABLE) {
    assert.equal(document.capabilities.includes(row.capability), row.advertised, row.capability);
    assert.ok(row.why.length > 0);
  }
  assert.equal(new Set(SMART_CAPABILITY_TABLE.map((r) => r.capability)).size, SMART_CAPABILITY_TABLE.length);
});

test('every advertised scope is one our parser accepts', () => {
  assert.doesNotThrow(() => parseScopes(document.scopes_supported.join(' ')));
  assert.ok(document.scopes_supported.includes('patient/*.rs'));
  assert.ok(document.scopes_supported.includes('user/*.cruds'));
});
