/**
 * activityStatistics through HTTP: the three owners, upsert by natural id, PATCH with If-Match.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_USER, errorCode, errorTargets, useTestHost } from '../support/testHost';

const api = useTestHost();

const OTHER_USER = '3c2b1a09-8f7e-4d6c-b5a4-938271605f4e';
const body = { activity: 'Focus', startDate: '2020-01-06', endDate: '2020-01-10', duration: 'PT10H' };

describe('owners', () => {
  it('me is users/{oid of the caller}, whatever the case of the GUID', async () => {
    const created = await api.request('POST', '/beta/me/analytics/activityStatistics', { body });
    expect(created.status).toBe(201);
    expect(created.json?.['@odata.context']).toBe(
      `${api.url}/beta/$metadata#users('${DEV_USER}')/analytics/activityStatistics/$entity`,
    );
    const viaUsers = await api.request(
      'GET',
      `/beta/users/${DEV_USER.toUpperCase()}/analytics/activityStatistics/focus_2020-01-06_2020-01-10`,
    );
    expect(viaUsers.status).toBe(200);
    expect(viaUsers.json?.duration).toBe('PT10H');
    expect(viaUsers.json?.['@odata.context']).toBe(
      `${api.url}/beta/$metadata#users('${DEV_USER.toUpperCase()}')/analytics/activityStatistics/$entity`,
    );
  });

  it('keeps each owner apart: another user and an invitation do not see it', async () => {
    await api.request('POST', '/beta/me/analytics/activityStatistics', { body });
    const id = 'focus_2020-01-06_2020-01-10';
    expect((await api.request('GET', `/beta/users/${OTHER_USER}/analytics/activityStatistics/${id}`)).status).toBe(404);
    const invited = await api.request(
      'GET',
      `/beta/invitations/${DEV_USER}/invitedUser/analytics/activityStatistics/${id}`,
    );
    expect(invited.status).toBe(404);
    expect(errorCode(invited)).toBe('itemNotFound');
  });

  it('identifies users by object id: a UPN is a 400', async () => {
    const response = await api.request('POST', '/beta/users/adele@contoso.com/analytics/activityStatistics', { body });
    expect(response.status).toBe(400);
    expect(errorTargets(response)).toEqual(['userId']);
  });

  it('creates under an invitation with the seed route', async () => {
    const response = await api.request('POST', '/beta/invitations/7d0c/invitedUser/analytics/activityStatistics', {
      body: { ...body, activity: 'Chat' },
    });
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({
      '@odata.type': '#microsoft.graph.chatActivityStatistics',
      id: 'chat_2020-01-06_2020-01-10',
      afterHours: 'PT0S',
    });
  });
});

describe('upsert by natural id', () => {
  const path = `/beta/users/${OTHER_USER}/analytics/activityStatistics`;

  it('answers 201 with Location the first time and 200 without it after, replacing the entity', async () => {
    const first = await api.request('POST', path, { body: { ...body, activity: 'Email', duration: 'PT1H' } });
    expect(first.status).toBe(201);
    expect(first.headers.get('location')).toBe(`${api.url}${path}/email_2020-01-06_2020-01-10`);
    const second = await api.request('POST', path, {
      body: { ...body, activity: 'Email', duration: 'PT2H', readEmail: 'PT5M' },
    });
    expect(second.status).toBe(200);
    expect(second.headers.get('location')).toBeNull();
    expect(second.json).toMatchObject({
      id: 'email_2020-01-06_2020-01-10',
      duration: 'PT2H',
      readEmail: 'PT5M',
      sentEmail: 'PT0S',
    });
    const snapshot = await api.snapshot();
    expect(snapshot.filter((row) => row.includes(`users/${OTHER_USER}|email_2020-01-06_2020-01-10|`))).toHaveLength(1);
  });
});

describe('PATCH with If-Match', () => {
  const path = `/beta/users/${OTHER_USER}/analytics/activityStatistics`;
  let id: string;
  let etag: string;

  beforeAll(async () => {
    const created = await api.request('POST', path, { body: { ...body, activity: 'Meeting' } });
    id = String(created.json?.id);
    etag = created.headers.get('etag') ?? '';
    expect(created.json?.['@odata.etag']).toBe(etag);
  });

  it('applies a change when the ETag is current, and answers 412 with the old one, changing nothing', async () => {
    const updated = await api.request('PATCH', `${path}/${id}`, {
      body: { organized: 'PT30M' },
      headers: { 'if-match': etag },
    });
    expect(updated.status).toBe(200);
    expect(updated.json?.organized).toBe('PT30M');
    const before = await api.snapshot();
    const stale = await api.request('PATCH', `${path}/${id}`, {
      body: { organized: 'PT1H' },
      headers: { 'if-match': etag },
    });
    expect(stale.status).toBe(412);
    expect(errorCode(stale)).toBe('PreconditionFailed');
    expect(await api.snapshot()).toEqual(before);
    etag = updated.headers.get('etag') ?? '';
  });

  it('accepts *, the weak form, and a list containing the current ETag', async () => {
    const forms = [() => '*', (current: string) => `W/${current}`, (current: string) => `"nope", ${current}`];
    for (const form of forms) {
      const response = await api.request('PATCH', `${path}/${id}`, {
        body: { long: 'PT1M' },
        headers: { 'if-match': form(etag) },
      });
      expect(response.status).toBe(200);
      etag = response.headers.get('etag') ?? '';
    }
  });

  it('answers 404 for an entity that does not exist, and refuses a change of id', async () => {
    expect((await api.request('PATCH', `${path}/nothing`, { body: { long: 'PT1M' } })).status).toBe(404);
    const renamed = await api.request('PATCH', `${path}/${id}`, { body: { id: 'other' } });
    expect(renamed.status).toBe(400);
    expect(errorTargets(renamed)).toEqual(['id']);
  });
});
