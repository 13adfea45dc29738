import { afterEach, describe, expect, it } from 'vitest';
import { auditEntries, pageUser, staffApps } from './_util/backoffice-pages.js';
import type { StaffApp } from './_util/staff-app.js';

const apps = staffApps();
afterEach(apps.closeAll);

const APPLICANT = {
  serviceCode: 'passport-renewal',
  givenNames: 'Bérénice',
  familyName: 'Kossi & Fils',
  birthDate: '1990-05-17',
  phone: '06 12 34 56 78',
  email: '',
  idNumber: 'CF2000002',
  address: '',
  lang: 'sg',
  note: '',
};

const fileCount = (s: StaffApp) =>
  (s.temp.store.db.prepare('SELECT count(*) AS n FROM files').get() as { n: number }).n;
const personCount = (s: StaffApp) =>
  (s.temp.store.db.prepare('SELECT count(*) AS n FROM people').get() as { n: number }).n;

describe('back office: opening a file at the counter', () => {
  it('shows the form with the offered services to an agent, and the link from the queue', async () => {
    const s = await apps.open();
    const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));
    const queue = await agent.get('/staff/dossiers');
    expect(queue.body).toContain('/staff/dossiers/nouveau');
    const page = await agent.get('/staff/dossiers/nouveau');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('value="passport-renewal"');
    expect(page.body).toContain('name="_csrf"');
    expect(page.body).not.toMatch(/<script>|style="/);
  });

  it('refuses the form to an auditor, who may read files but not open them', async () => {
    const s = await apps.open();
    const auditor = await pageUser(s, await s.enrolled('kette', ['auditor']));
    const page = await auditor.get('/staff/dossiers/nouveau');
    expect(page.statusCode).toBe(403);
    expect(page.body).toContain('Votre rôle ne permet pas cette action.');
    expect((await auditor.get('/staff/dossiers')).body).not.toContain('/staff/dossiers/nouveau');
    const posted = await auditor.submit('/staff/dossiers', '/staff/dossiers/nouveau', APPLICANT);
    expect(posted.statusCode).toBe(403);
    expect(fileCount(s)).toBe(0);
  });

  it('refuses a post without the CSRF token and opens nothing', async () => {
    const s = await apps.open();
    const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));
    const response = await agent.post('/staff/dossiers/nouveau', APPLICANT, '');
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('Le formulaire a expiré');
    expect(fileCount(s)).toBe(0);
  });

  it('shows the refused fields with what was typed, and creates neither person nor file', async () => {
    const s = await apps.open();
    const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));
    const people = personCount(s);
    const badPhone = await agent.submit('/staff/dossiers/nouveau', '/staff/dossiers/nouveau', {
      ...APPLICANT,
      givenNames: '<b>Bérénice</b>',
      familyName: '',
      phone: '12',
    });
    expect(badPhone.statusCode).toBe(400);
    expect(badPhone.body).toContain('Le dossier n’a pas été ouvert');
    expect(badPhone.body).toContain('Saisissez le nom');
    expect(badPhone.body).toContain('Numéro de téléphone invalide.');
    expect(badPhone.body).toContain('value="&lt;b&gt;Bérénice&lt;/b&gt;"');
    const untrackable = await agent.submit('/staff/dossiers/nouveau', '/staff/dossiers/nouveau', {
      ...APPLICANT,
      phone: '',
      birthDate: '',
    });
    expect(untrackable.statusCode).toBe(400);
    expect(untrackable.body).toContain('Donnez le téléphone ou la date de naissance');
    const noService = await agent.submit('/staff/dossiers/nouveau', '/staff/dossiers/nouveau', {
      ...APPLICANT,
      serviceCode: '',
    });
    expect(noService.body).toContain('Choisissez le service demandé.');
    expect(fileCount(s)).toBe(0);
    expect(personCount(s)).toBe(people);
  });

  it('opens the file, lands on it with its tracking number and prints the tracking slip', async () => {
    const s = await apps.open();
    const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));
    const response = await agent.submit('/staff/dossiers/nouveau', '/staff/dossiers/nouveau', APPLICANT);
    expect(response.statusCode).toBe(303);
    const location = String(response.headers.location);
    expect(location).toMatch(/^\/staff\/dossiers\/[0-9a-f-]{36}\?ok=opened$/);
    const fileId = location.split('/')[3]!.split('?')[0]!;
    const file = s.domain.files.get(fileId)!;
    expect(file).toMatchObject({ channel: 'counter', serviceCode: 'passport-renewal', lang: 'sg' });
    expect(s.domain.people.get(file.personId)).toMatchObject({
      familyName: 'Kossi & Fils',
      phone: '+33612345678',
      birthDate: '1990-05-17',
    });
    expect(auditEntries(s, 'file.opened')).toEqual([{ actor: 'yakite', entity: 'file', entityId: fileId }]);
    const page = await agent.get(location);
    expect(page.body).toContain('Dossier ouvert.');
    expect(page.body).toContain(file.trackingNumber);
    expect(page.body).toContain(`/staff/dossiers/${fileId}/fiche`);
    const slip = await agent.get(`/staff/dossiers/${fileId}/fiche`);
    expect(slip.statusCode).toBe(200);
    expect(slip.body).toContain(file.trackingNumber);
    expect(slip.body).toContain('Kossi &amp; Fils');
    expect(slip.body).toContain('/suivi');
    expect(slip.body).toContain('votre numéro de téléphone ou votre date de naissance');
    expect(slip.body).toContain('data-print');
  });
});
