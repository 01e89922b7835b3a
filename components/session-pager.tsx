import Link from 'next/link';

/** Previous and next for a list of sessions split into pages: plain links, so they work without JavaScript. */
export function SessionPager({ page, pages, path, label }: { page: number; pages: number; path: string; label: string }) {
  if (pages <= 1) return null;
  const href = (to: number) => (to === 1 ? path : `${path}?page=${to}`);
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
