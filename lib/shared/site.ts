/** The site's name, the end of every page title. */
export const SITE_NAME = 'Session timeout, done right';

/** A page's whole title as the root layout's template writes it, for the few places that set a title themselves. */
export const documentTitle = (title: string) => `${title} · ${SITE_NAME}`;
