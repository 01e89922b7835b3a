/** The field of the Sign out form that asks to end the session at the OpenID provider too ("Sign out of … too"). */
export const END_AT_PROVIDER = { name: 'provider', value: 'end' } as const;
