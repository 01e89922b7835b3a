import { describe, expect, it } from 'vitest';
import { listPage } from './session-listing';
import type { PageRequest, SessionPage } from '../stores/types';

// What the lists of sessions ask of a store: a page number anyone can type never makes it read past the end.
describe('listPage', () => {
  const asked: PageRequest[] = [];
  const list = async (request: PageRequest): Promise<SessionPage> => {
    asked.push(request);
    return { records: [], total: 10_000 };
  };

  it('counts first, and reads only the last page for a page number far past the end', async () => {
    asked.length = 0;
    expect(await listPage(list, 999_999_999, 50, 'me')).toMatchObject({ page: 200, pages: 200, total: 10_000 });
    expect(asked).toEqual([{ offset: 0, limit: 0 }, { offset: 199 * 50, limit: 50 }]);
  });

  it('reads the first page at once, in one call', async () => {
    asked.length = 0;
    expect(await listPage(list, 1, 50, 'me')).toMatchObject({ page: 1, pages: 200 });
    expect(asked).toEqual([{ offset: 0, limit: 50 }]);
  });

  it('reads the last page again when sessions ended between the count and the read', async () => {
    let total = 250;
    const shrinking = async (request: PageRequest): Promise<SessionPage> => {
      asked.push(request);
      const page = { records: [], total };
      total = 190;
      return page;
    };
    asked.length = 0;
    expect(await listPage(shrinking, 5, 50, 'me')).toMatchObject({ page: 4, pages: 4, total: 190 });
    expect(asked).toEqual([{ offset: 0, limit: 0 }, { offset: 200, limit: 50 }, { offset: 150, limit: 50 }]);
  });

  it('reads the page asked for when it exists', async () => {
    asked.length = 0;
    expect(await listPage(list, 3, 50, 'me')).toMatchObject({ page: 3, pages: 200 });
    expect(asked).toEqual([{ offset: 0, limit: 0 }, { offset: 100, limit: 50 }]);
  });
});
