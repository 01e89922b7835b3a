import Link from 'next/link';

/**
 * Previous and next for a list split into pages: plain links, so they work without JavaScript. `query` is kept
 * in every link (the events' filter).
 */
export function SessionPager({ page, pages, path, label, query = {} }: { page: number; pages: number; path: string; label: string; query?: Record<string, string> }) {
  if (pages <= 1) return null;
  const href = (to: number) => {
    const search = new URLSearchParams({ ...query, ...(to === 1 ? {} : { page: String(to) }) }).toString();
    return search ? `${path}?${search}` : path;
  };
  return (
    <nav className="pager" aria-label={label}>
      {page > 1 && (
        <Link href={href(page - 1)} prefetch={false} rel="prev">
          Previous
        </Link>
      )}
      <span>
        Page {page} of {pages}
      </span>
      {page < pages && (
        <Link href={href(page + 1)} prefetch={false} rel="next">
          Next
        </Link>
      )}
    </nav>
  );
}
