// The pages a person sees at the development OpenID provider (scripts/dev-idp.mjs), and every word on them.
// Self-contained HTML: no fonts, scripts or images from elsewhere, so the provider works offline.

/** Every string the pages show, in one place. */
export const TEXT = {
  signIn: {
    title: 'Example ID: sign in',
    heading: 'Example ID',
    username: 'Username',
    password: 'Password',
    submit: 'Continue',
    cancel: 'Cancel',
    wrong: 'Wrong username or password',
  },
  signOut: { title: 'Example ID: sign out', heading: 'Sign out of Example ID?', yes: 'Yes, sign me out', no: 'No, stay signed in' },
  signedOut: { title: 'Example ID: signed out', heading: 'You are signed out of Example ID' },
  error: {
    title: 'Example ID: error',
    heading: 'Something went wrong',
    expired: 'This sign-in has expired or was already used. Go back to the app and start again.',
    notFound: 'There is no such page.',
    unsupported: 'Example ID has no page for this step of the sign-in.',
  },
};

/** @param {unknown} value */
export const escapeHtml = (value) =>
  String(value).replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char);

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#f4f4f4}
main{max-width:22rem;margin:3rem auto;padding:1.5rem;background:#fff;border:1px solid #ccc;border-radius:4px}
h1{font-size:1.5rem;margin:0 0 1rem}label{display:block;font-weight:600;margin-top:1rem}
input{display:block;box-sizing:border-box;width:100%;font:inherit;padding:.4rem;margin-top:.25rem;border:1px solid #555}
button{font:inherit;padding:.5rem 1rem;margin:1.25rem .5rem 0 0;cursor:pointer}
[role=alert]{color:#a4000f;font-weight:600;border-left:4px solid #a4000f;padding-left:.5rem}
:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}`;

/**
 * A whole page. `body` is HTML the caller has already escaped.
 * @param {string} title
 * @param {string} body
 */
export const page = (title, body) => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>
${body}
</main></body>
</html>`;

/**
 * The sign-in form of one interaction. After a wrong password the username stays filled in, the alert names the
 * mistake without saying which half was wrong, and focus starts on the password.
 * @param {{ uid: string, username?: string, wrong?: boolean }} options
 */
export function signInPage({ uid, username = '', wrong = false }) {
  const t = TEXT.signIn;
  const action = `/interaction/${encodeURIComponent(uid)}`;
  const invalid = wrong ? ' aria-invalid="true" aria-describedby="error"' : '';
  return page(
    t.title,
    `<h1>${escapeHtml(t.heading)}</h1>
${wrong ? `<p id="error" role="alert">${escapeHtml(t.wrong)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}/login">
<label for="username">${escapeHtml(t.username)}</label>
<input id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${escapeHtml(username)}"${invalid}${username ? '' : ' autofocus'}>
<label for="password">${escapeHtml(t.password)}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${invalid}${username ? ' autofocus' : ''}>
<button type="submit">${escapeHtml(t.submit)}</button>
</form>
<p><a href="${escapeHtml(action)}/abort">${escapeHtml(t.cancel)}</a></p>`,
  );
}

/**
 * oidc-provider's `logoutSource`: `form` is its own hidden form (the xsrf token), which both buttons submit;
 * only "yes" ends the provider's session, "no" still signs the asking app out.
 * @param {string} form
 */
export const signOutPage = (form) => {
  const t = TEXT.signOut;
  return page(
    t.title,
    `<h1>${escapeHtml(t.heading)}</h1>
${form}
<button autofocus type="submit" form="op.logoutForm" name="logout" value="yes">${escapeHtml(t.yes)}</button>
<button type="submit" form="op.logoutForm">${escapeHtml(t.no)}</button>`,
  );
};

/** oidc-provider's `postLogoutSuccessSource`: shown when the app named no page to come back to. */
export const signedOutPage = () => page(TEXT.signedOut.title, `<h1>${escapeHtml(TEXT.signedOut.heading)}</h1>`);

/**
 * An error as a person sees it: the OAuth error code and its description, never a stack (that goes to the log).
 * @param {string} message
 * @param {string} [code]
 */
export const errorPage = (message, code) =>
  page(TEXT.error.title, `<h1>${escapeHtml(TEXT.error.heading)}</h1>
<p>${escapeHtml(message)}</p>${code ? `\n<p><code>${escapeHtml(code)}</code></p>` : ''}`);
