/**
 * `$ref` on `itemActivityStats/{id}/activities`, through HTTP: add (204), refuse a missing target (404), a
 * duplicate (409) and a bad body (400); references listed, filtered and kept current with their target;
 * removing a reference leaves the activity; deleting the activity removes its references; tenants apart.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DELEGATED_SCOPES } from '../../src/auth/permissions';
import { itemActivitiesPath } from '../support/fixtures';
import { DEV_USER, errorCode, useTestHost } from '../support/testHost';

const api = useTestHost();
const GROUP = '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d';
const S1 = itemActivitiesPath(GROUP, 'stat-1');
const S2 = itemActivitiesPath(GROUP, 'stat-2');
const S3 = itemActivitiesPath('7b8c9d0e-1f2a-4b3c-9d4e-5f6a7b8c9d0e', 'stat-3');

type Item = Record<string, unknown>;

async function ids(path: string, query = ''): Promise<string[]> {
  const response = await api.request('GET', `${path}${query}`);
  expect(response.status).toBe(200);
  return (response.json?.value as Item[]).map((item) => String(item.id)).sort();
}

function reference(path: string, id: string, absolute = true): { '@odata.id': string } {
  return { '@odata.id': `${absolute ? api.url : ''}${path}/${id}` };
}

beforeAll(async () => {
  const bodies: [string, Item][] = [
    [S1, { id: 'x', activityDateTime: '2020-05-01T10:00:00Z', note: 'original' }],
    [S1, { id: 'w', activityDateTime: '2020-05-03T10:00:00Z' }],
    [S2, { id: 'y', activityDateTime: '2020-04-01T10:00:00Z' }],
  ];
  for (const [path, body] of bodies) expect((await api.request('POST', path, { body })).status).toBe(201);
});

describe('adding a reference', () => {
  it('answers 204, and the collection lists contained and referenced activities', async () => {
    const added = await api.request('POST', `${S2}/$ref`, { body: reference(S1, 'x') });
    expect(added.status).toBe(204);
    expect(added.text).toBe('');
    expect(await ids(S2)).toEqual(['x', 'y']);
    expect(await ids(S1)).toEqual(['w', 'x']);
    const read = await api.request('GET', `${S2}/x`);
    expect(read.json).toMatchObject({ id: 'x', note: 'original', activityDateTime: '2020-05-01T10:00:00Z' });
  });

  it('takes a relative URL too', async () => {
    expect((await api.request('POST', `${S3}/$ref`, { body: reference(S1, 'w', false) })).status).toBe(204);
    expect(await ids(S3)).toEqual(['w']);
  });

  it('refuses a second identical reference with 409, and changes nothing', async () => {
    const before = await api.snapshot();
    const again = await api.request('POST', `${S2}/$ref`, { body: reference(S1, 'x') });
    expect(again.status).toBe(409);
    expect(errorCode(again)).toBe('Conflict');
    expect(await api.snapshot()).toEqual(before);
  });

  it('refuses a reference to an activity already contained in the collection with 409', async () => {
    expect((await api.request('POST', `${S2}/$ref`, { body: reference(S2, 'y') })).status).toBe(409);
  });

  it('answers 404 when the referenced activity does not exist', async () => {
    const response = await api.request('POST', `${S2}/$ref`, { body: reference(S1, 'nothing') });
    expect(response.status).toBe(404);
  });

  it.each([
    ['no @odata.id', () => ({})],
    ['another property', () => ({ ...reference(S1, 'x'), extra: 1 })],
    ['a URL of something else', () => ({ '@odata.id': `${api.url}/beta/reports/office365ActivationCounts/x` })],
    ['not a URL', () => ({ '@odata.id': 'mailto:someone@example.com' })],
    ['a number', () => ({ '@odata.id': 42 })],
  ])('refuses %s with 400', async (_name, body) => {
    const before = await api.snapshot();
    const response = await api.request('POST', `${S2}/$ref`, { body: body() });
    expect(response.status).toBe(400);
    expect(await api.snapshot()).toEqual(before);
  });

  it('refuses to create an activity whose id is referenced in the collection (409)', async () => {
    expect((await api.request('POST', S2, { body: { id: 'x' } })).status).toBe(409);
  });
});

describe('a referenced activity stays one entity', () => {
  it('shows changes made in its own collection, with the same ETag', async () => {
    const patched = await api.request('PATCH', `${S1}/x`, { body: { note: 'changed' } });
    expect(patched.status).toBe(200);
    const listed = (await api.request('GET', S2)).json?.value as Item[];
    const copy = listed.find((item) => item.id === 'x');
    expect(copy?.note).toBe('changed');
    expect(copy?.['@odata.etag']).toBe(patched.headers.get('etag'));
  });

  it('is updated through the reference (the target changes), honouring If-Match', async () => {
    const current = (await api.request('GET', `${S2}/x`)).headers.get('etag') ?? '';
    const updated = await api.request('PATCH', `${S2}/x`, {
      body: { note: 'via reference' },
      headers: { 'if-match': current },
    });
    expect(updated.status).toBe(200);
    expect((await api.request('GET', `${S1}/x`)).json?.note).toBe('via reference');
    const stale = await api.request('PATCH', `${S2}/x`, { body: { note: 'stale' }, headers: { 'if-match': current } });
    expect(stale.status).toBe(412);
  });

  it('is filtered and ordered with the contained ones', async () => {
    const after = await ids(S2, `?$filter=${encodeURIComponent('activityDateTime ge 2020-04-15T00:00:00Z')}`);
    expect(after).toEqual(['x']);
    const ordered = (await api.request('GET', `${S2}?$orderby=activityDateTime desc`)).json?.value as Item[];
    expect(ordered.map((item) => item.id)).toEqual(['x', 'y']);
  });
});

describe('removing', () => {
  it('removing the reference (204) leaves the activity in its own collection', async () => {
    expect((await api.request('DELETE', `${S2}/x/$ref`)).status).toBe(204);
    expect(await ids(S2)).toEqual(['y']);
    expect((await api.request('GET', `${S1}/x`)).status).toBe(200);
    expect((await api.request('DELETE', `${S2}/x/$ref`)).status).toBe(404);
  });

  it('a contained activity has no reference to remove (404)', async () => {
    expect((await api.request('DELETE', `${S2}/y/$ref`)).status).toBe(404);
  });

  it('deleting the activity removes it from every collection that referenced it', async () => {
    expect(await ids(S3)).toEqual(['w']);
    expect((await api.request('DELETE', `${S1}/w`)).status).toBe(204);
    expect(await ids(S3)).toEqual([]);
    expect((await api.request('GET', `${S3}/w`)).status).toBe(404);
  });
});

describe('a reference left behind by a process that died while deleting its activity', () => {
  it('reads as 404, and a DELETE through its collection takes it away', async () => {
    const home = itemActivitiesPath(GROUP, 'crash-home');
    const other = itemActivitiesPath(GROUP, 'crash-other');
    expect((await api.request('POST', home, { body: { id: 'gone' } })).status).toBe(201);
    expect((await api.request('POST', `${other}/$ref`, { body: reference(home, 'gone') })).status).toBe(204);
    // The activity's own document goes, and the process dies before removing the reference to it.
    const container = api.cosmos.database(api.host.cosmos.database).container('itemActivities');
    const { resources } = await container.items
      .query<{ id: string; pk: string }>({
        query: 'SELECT c.id, c.pk FROM c WHERE c.id = @id AND NOT IS_DEFINED(c.ref)',
        parameters: [{ name: '@id', value: 'gone' }],
      })
      .fetchAll();
    expect(resources).toHaveLength(1);
    await container.item('gone', resources[0]?.pk).delete();

    expect((await api.request('GET', `${other}/gone`)).status).toBe(404);
    expect((await api.request('PATCH', `${other}/gone`, { body: { note: 'x' } })).status).toBe(404);
    expect(await ids(other)).toEqual(['gone']);
    expect((await api.request('DELETE', `${other}/gone`)).status).toBe(204);
    expect(await ids(other)).toEqual([]);
  });
});

describe('tenants', () => {
  it("cannot reference another tenant's activity (404), even with the same URL", async () => {
    const token = await api.token({
      tenantId: '66666666-ffff-4fff-8fff-666666666666',
      userId: DEV_USER,
      scopes: DELEGATED_SCOPES,
    });
    const before = await api.snapshot();
    const response = await api.request('POST', `${S2}/$ref`, { body: reference(S1, 'x'), token });
    expect(response.status).toBe(404);
    expect(await api.snapshot()).toEqual(before);
    expect((await api.request('GET', S2, { token })).json?.value).toEqual([]);
  });
});
