// GA4GH Passport checks with real JWTs (jose, Ed25519): a trusted broker's Passport with a DAC's
// ControlledAccessGrants and a ResearcherStatus grants records; an untrusted broker, a forged or expired
// Passport is refused; a visa that cannot be validated (untrusted issuer, expired, with conditions, about
// someone else) is ignored; LinkedIdentities join the subject's identities.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BROKER, DAC, passportWorld, recordVisas, RESOURCE } from './passport-fixtures.ts';
import { grantsRecordAccess, verifyPassport } from './passport.ts';

const now = () => Math.floor(Date.now() / 1000);

/** The JWT with the first character of its signature changed (a later one may be padding bits only). */
function forged(jwt: string): string {
  const [header, payload, signature] = jwt.split('.') as [string, string, string];
  return `${header}.${payload}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
}

test('a trusted Passport with both visas grants records; without either, or from elsewhere, not', async () => {
  const world = await passportWorld();
  const both = await recordVisas(world, 'r1');
  const passport = await verifyPassport(await world.passport('r1', both), world.trust, now());
  assert.deepEqual(passport.identities, [`r1@${BROKER}`]);
  // The visas' subject is r1 at the DAC, not at the broker: linked by nothing, they do not speak for r1.
  assert.equal(grantsRecordAccess(passport, world.trust), false);

  const link = await world.visa(world.dac, 'r1', {
    type: 'LinkedIdentities',
    value: `r1,${encodeURIComponent(BROKER)}`,
    by: 'system',
  });
  const linked = await verifyPassport(await world.passport('r1', [...both, link]), world.trust, now());
  assert.deepEqual(linked.identities, [`r1@${BROKER}`, `r1@${DAC}`]);
  assert.equal(grantsRecordAccess(linked, world.trust), true);

  for (const visas of [
    [both[0]!, link],
    [both[1]!, link],
  ]) {
    const partial = await verifyPassport(await world.passport('r1', visas), world.trust, now());
    assert.equal(grantsRecordAccess(partial, world.trust), false);
  }
});

test('visas that cannot be validated are ignored', async () => {
  const world = await passportWorld();
  const link = await world.visa(world.dac, 'r1', {
    type: 'LinkedIdentities',
    value: `r1,${BROKER}`,
    by: 'system',
  });
  const ignored = [
    await world.visa(world.untrusted, 'r1', { type: 'ControlledAccessGrants', value: RESOURCE, by: 'dac' }),
    await world.visa(world.dac, 'r1', { type: 'ControlledAccessGrants', value: RESOURCE, by: 'dac' }, -10),
    await world.visa(world.dac, 'r1', {
      type: 'ControlledAccessGrants',
      value: RESOURCE,
      by: 'dac',
      conditions: [[{ type: 'AffiliationAndRole', value: 'const:x' }]],
    }),
    await world.visa(world.dac, 'someone-else', {
      type: 'ControlledAccessGrants',
      value: RESOURCE,
      by: 'dac',
    }),
    await world.visa(world.dac, 'r1', {
      type: 'ControlledAccessGrants',
      value: 'https://other.test',
      by: 'dac',
    }),
    'not a jwt',
  ];
  const status = await world.visa(world.dac, 'r1', { type: 'ResearcherStatus', value: 'x', by: 'so' });
  const passport = await verifyPassport(
    await world.passport('r1', [...ignored, status, link]),
    world.trust,
    now(),
  );
  assert.equal(grantsRecordAccess(passport, world.trust), false);
  // Only the visas that validate remain; the grant for another resource is valid but grants nothing here.
  assert.deepEqual(passport.visas.map((v) => `${v.type} ${v.value}`).sort(), [
    'ControlledAccessGrants https://other.test',
    `LinkedIdentities r1,${BROKER}`,
    'ResearcherStatus x',
  ]);
});

test('a Passport from an untrusted broker, forged or expired is refused', async () => {
  const world = await passportWorld();
  const visas = await recordVisas(world, 'r1');
  const refusals = [
    await world.passport('r1', visas, world.untrusted),
    forged(await world.passport('r1', visas)),
    'eyJhbGciOiJub25lIn0.e30.',
  ];
  for (const token of refusals) {
    await assert.rejects(verifyPassport(token, world.trust, now()), { code: 'genomics.invalid_passport' });
  }
  const expired = await world.passport('r1', visas);
  await assert.rejects(verifyPassport(expired, world.trust, now() + 7200), {
    code: 'genomics.invalid_passport',
  });
});
