// The web app as its users need it, in real Chromium (issue 14), on one `carechain up`: a hospital
// patient's vitals as people read them (web/src/lib/clinical: blood pressure from the panel's components,
// a height to one decimal, units in human form), grouped by kind with a detail view, and trend charts
// drawn with points; an insurer's claims officer gets no clinical screen and no break-glass (the node
// says what each role may do, GET /api/v1/staff/me); every route has its own title, focus moves to the
// main heading on navigation, and axe-core finds no serious or critical violation on any route at
// 1280×800 and 390×844.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { BlockAnswer } from '../../src/contract/ledger.ts';
import {
  DESKTOP,
  fhirCreate,
  hospitalPhysicianWithPatient,
  newPage as newBrowserPage,
  PHONE,
  seedPatientRecords,
  seriousViolations,
  signInWithSeed,
  staffSeed,
} from '../harness/browser.ts';
import { webAppForTests } from '../harness/web-app.ts';

let page: Page;
let patientId: string;

const LOINC = 'http://loinc.org';
const VITAL_SIGNS = [
  {
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }],
  },
];

/** A final vital-sign Observation about `Patient/patientId`, coded `code` in LOINC, with its value fields. */
function vitalSign(patientId: string, when: string, code: string, display: string, value: object): object {
  return {
    resourceType: 'Observation',
    status: 'final',
    category: VITAL_SIGNS,
    code: { coding: [{ system: LOINC, code, display }] },
    subject: { reference: `Patient/${patientId}` },
    effectiveDateTime: when,
    ...value,
  };
}

const quantity = (value: number, ucum: string) => ({
  value,
  unit: ucum,
  system: 'http://unitsofmeasure.org',
  code: ucum,
});

function bloodPressure(patientId: string, when: string, systolic: number, diastolic: number): object {
  const part = (code: string, value: number) => ({
    code: { coding: [{ system: LOINC, code }] },
    valueQuantity: quantity(value, 'mm[Hg]'),
  });
  return vitalSign(patientId, when, '85354-9', 'Blood pressure panel', {
    component: [part('8480-6', systolic), part('8462-4', diastolic)],
  });
}

function height(patientId: string, when: string, value: number): object {
  return vitalSign(patientId, when, '8302-2', 'Body Height', { valueQuantity: quantity(value, 'cm') });
}

const app = webAppForTests(async ({ net }) => {
  patientId = await seedPatientRecords(net);
  const token = net.credentials.organisations.hospital!.practitioner.token;
  // Written the way a device or a generator sends them: 13 decimals, UCUM codes.
  for (const resource of [
    bloodPressure(patientId, '2026-01-10T08:00:00Z', 130, 85),
    bloodPressure(patientId, '2026-02-10T08:00:00Z', 120, 80),
    height(patientId, '2025-06-01', 185.8289545670521),
    height(patientId, '2026-02-10', 186.0412),
  ])
    await fhirCreate(net, 'hospital', token, resource);
  page = await newPage();
  await signInWithSeed(page, net.url('hospital'), 'patient', net.credentials.patients[0]!.seed);
});

function newPage(): Promise<Page> {
  return newBrowserPage(app.browser);
}

test('a blood-pressure Observation shows "120/80 mmHg", and a height at most one decimal', async () => {
  const records = page.getByRole('list', { name: 'Your records, newest first' });
  const vitals = records.locator('[data-kind="vitals"]');
  await vitals.waitFor({ timeout: 30_000 });
  const titles = await vitals.locator('.record-title').allTextContents();
  // Newest first within the group: the February readings, then January's, then last June's height.
  assert.deepEqual(titles, [
    'Blood pressure panel 120/80 mmHg',
    'Body Height 186 cm',
    'Blood pressure panel 130/85 mmHg',
    'Body Height 185.8 cm',
  ]);
  for (const title of titles) assert.doesNotMatch(title, /\d\.\d\d/);
  assert.doesNotMatch((await records.textContent()) ?? '', /mm\[Hg\]|\{score\}|Cel\b|\d{4}-\d\d-\d\dT/);
  // The temperature seeded by the harness is in "Other observations" (it has no category), in °C.
  await records.getByText('Body temperature 37.2 °C').waitFor();
  // A detail view per record.
  const first = vitals.getByRole('listitem').first();
  await first.getByText('Details').click();
  assert.match((await first.locator('dl').textContent()) ?? '', /Value120\/80 mmHg.*CodesLOINC 85354-9/);
});

test('a vitals chart renders with points', async () => {
  const chart = page.locator('figure.trend[data-series="85354-9"]');
  await chart.locator('svg .recharts-line-dot').first().waitFor({ timeout: 20_000 });
  // Two lines (systolic, diastolic) of two readings each.
  assert.equal(await chart.locator('svg .recharts-line-dot').count(), 4);
  assert.equal(await page.locator('figure.trend[data-series="8302-2"] svg .recharts-line-dot').count(), 2);
  assert.match(
    (await chart.locator('figcaption').textContent()) ?? '',
    /2 measurements, from 130\/85 mmHg on .* to 120\/80 mmHg on /,
  );
});

const CHART_SVG = '.recharts-wrapper > svg.recharts-surface';

/** Every axis label of every chart whose box sticks out of its SVG (there it is cut off), with by how much. */
async function clippedTickLabels(p: Page): Promise<string[]> {
  // The chart's own SVG (a legend's icons are small SVGs of the same class, and come first).
  return p.locator(`figure.trend ${CHART_SVG}`).evaluateAll((svgs) =>
    svgs.flatMap((svg) => {
      const box = svg.getBoundingClientRect();
      return [...svg.querySelectorAll('.recharts-cartesian-axis-tick-value')].flatMap((label) => {
        const r = label.getBoundingClientRect();
        const out = Math.max(box.left - r.left, r.right - box.right, box.top - r.top, r.bottom - box.bottom);
        return out > 0.5 ? [`"${label.textContent}" by ${out.toFixed(1)}px`] : [];
      });
    }),
  );
}

test('no chart cuts off an axis label (a height of 185.8 cm is not shown as "5.8"), at both widths', async () => {
  await page.locator('figure.trend[data-series="8302-2"] svg .recharts-line-dot').first().waitFor();
  for (const viewport of [DESKTOP, PHONE]) {
    await page.setViewportSize(viewport);
    // The charts are drawn again for the new width: wait until every SVG is as wide as its box and has
    // its value labels again (an empty list of cut labels must not mean "not drawn yet").
    await page.waitForFunction(
      `[...document.querySelectorAll('figure.trend .trend-chart')].every((c) => {
        const svg = c.querySelector('${CHART_SVG}');
        return Math.abs(svg?.getBoundingClientRect().width - c.clientWidth) < 1 &&
          [...svg.querySelectorAll('.recharts-cartesian-axis-tick-value')].filter((t) =>
            /^[0-9.]+$/.test(t.textContent)).length >= 2;
      })`,
    );
    assert.deepEqual(await clippedTickLabels(page), [], `at ${viewport.width}px`);
    // The height chart's values are above 185, so its labels carry three digits before the point.
    // (The value labels are the tick labels that are numbers; the others are dates.)
    const heights = (
      await page
        .locator('figure.trend[data-series="8302-2"] .recharts-cartesian-axis-tick-value')
        .allTextContents()
    ).filter((t) => /^[0-9.]+$/.test(t));
    assert.ok(heights.length >= 2, JSON.stringify(heights));
    for (const label of heights) assert.match(label, /^18\d(\.\d+)?$/, JSON.stringify(heights));
  }
  await page.setViewportSize(DESKTOP);
});

test('an insurer’s claims officer sees no clinical screen and no break-glass; a hospital physician does', async () => {
  const officer = await newPage();
  await signInWithSeed(officer, app.net.url('insurer'), 'clinician', await staffSeed(app.net, 'insurer'));
  await officer.getByText(/^You are signed in as a claims officer at /).waitFor({ timeout: 30_000 });
  assert.equal(await officer.getByRole('form', { name: 'Find a patient' }).count(), 0);
  assert.equal(await officer.getByRole('form', { name: /Emergency access/ }).count(), 0);
  assert.equal(await officer.getByRole('button', { name: /Break the glass/ }).count(), 0);
  assert.doesNotMatch((await officer.locator('main').textContent()) ?? '', /break the glass/i);

  // The control: a physician of the hospital finds the patient and is offered break-glass.
  const physician = await clinicianWithPatient();
  await physician.getByRole('form', { name: 'Emergency access (break-glass)' }).waitFor();
  await officer.context().close();
  await physician.context().close();
});

async function clinicianWithPatient(): Promise<Page> {
  const physician = await hospitalPhysicianWithPatient(app.net, app.browser, patientId);
  await physician.getByRole('list', { name: 'Consent per kind of record' }).waitFor({ timeout: 30_000 });
  return physician;
}

/** Follows an in-app link the way a click does (History API), keeping the signed-in session. */
async function navigateInApp(p: Page, path: string): Promise<void> {
  await p.evaluate(
    `history.pushState(null, '', ${JSON.stringify(path)}); dispatchEvent(new PopStateEvent('popstate'));`,
  );
}

test('every route has its own title, focus lands on its heading, and axe finds nothing serious', async () => {
  const found: string[] = [];
  const titles = new Map<string, string>();
  const scan = async (p: Page, route: string) => {
    await p.locator('main h1').first().waitFor({ timeout: 30_000 });
    titles.set(route, await p.title());
    for (const viewport of [DESKTOP, PHONE])
      for (const v of await seriousViolations(p, viewport)) found.push(`${route} ${viewport.width}px: ${v}`);
    await p.setViewportSize(DESKTOP);
  };

  // Public routes, each loaded fresh.
  const visitor = await newPage();
  // The first block that holds a tx (the first blocks of a demo chain can be empty).
  let txHash: string | undefined;
  for (let height = 1; txHash === undefined; height++) {
    const answer = await fetch(`${app.net.url('hospital')}/api/v1/blocks/${height}`);
    assert.equal(answer.status, 200, `no block with a tx up to height ${height}`);
    txHash = ((await answer.json()) as BlockAnswer).txHashes[0];
  }
  const publicRoutes = [
    '/',
    '/signin/patient',
    '/signin/clinician',
    '/signin/pharmacy',
    '/signin/supply',
    '/signin/privacy',
    '/explorer',
    '/explorer/block/1',
    '/explorer/verify',
    `/explorer/tx/${txHash}`,
    '/no-such-page',
  ];
  for (const route of publicRoutes) {
    await visitor.goto(`${app.net.url('hospital')}${route}`);
    await scan(visitor, route);
  }
  // A navigation inside the app moves focus to the new page's main heading.
  await navigateInApp(visitor, '/explorer');
  await visitor.waitForFunction("document.activeElement?.tagName === 'H1'", undefined, { timeout: 10_000 });
  assert.equal(await visitor.evaluate('document.activeElement?.textContent'), 'Network explorer');

  // The patient's portal, each tab.
  await navigateInApp(page, '/patient');
  await page.getByRole('tab', { name: 'My records' }).click();
  await page.locator('figure.trend').first().waitFor({ timeout: 30_000 });
  await scan(page, '/patient');
  for (const tab of ['Who may see my data', 'Who looked at my data', 'Share, download or erase']) {
    await page.getByRole('tab', { name: tab }).click();
    await page.getByRole('tabpanel').locator('h2').first().waitFor();
    for (const viewport of [DESKTOP, PHONE])
      for (const v of await seriousViolations(page, viewport))
        found.push(`/patient "${tab}" ${viewport.width}px: ${v}`);
  }
  await page.setViewportSize(DESKTOP);

  // Staff workspaces: a physician with a patient found, the pharmacy, the manufacturer's supply console.
  const physician = await clinicianWithPatient();
  await scan(physician, '/clinician');
  const pharmacist = await newPage();
  await signInWithSeed(pharmacist, app.net.url('pharmacy'), 'pharmacy', await staffSeed(app.net, 'pharmacy'));
  await scan(pharmacist, '/pharmacy');
  const maker = await newPage();
  await signInWithSeed(
    maker,
    app.net.url('manufacturer'),
    'supply',
    await staffSeed(app.net, 'manufacturer'),
  );
  await scan(maker, '/supply');

  assert.deepEqual(found, []);
  for (const [route, title] of titles)
    assert.notEqual(title, 'carechain', `${route} has no title of its own`);
  const distinct = new Set([...titles].filter(([r]) => !r.startsWith('/signin/')).map(([, t]) => t));
  assert.equal(
    distinct.size,
    [...titles.keys()].filter((r) => !r.startsWith('/signin/')).length,
    JSON.stringify([...titles]),
  );
  assert.equal(new Set([...titles].filter(([r]) => r.startsWith('/signin/')).map(([, t]) => t)).size, 5);
});
