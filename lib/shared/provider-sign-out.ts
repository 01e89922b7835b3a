/** The Sign out form's fields (lib/shared: the button renders them, the route reads them). The one that asks to end the session at the OpenID provider too ("Sign out of … too"). */
export const END_AT_PROVIDER = { name: 'endAtProvider', value: '1' } as const;
/** The tag of the session the page was rendered for, so a stale page's form cannot end a newer session of the browser's. */
export const SESSION_TAG_FIELD = 'sessionTag';
