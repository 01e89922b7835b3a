import { HOSTILE_USERNAMES } from '../test-support/hostile-usernames';
import { expect, sessionStatus, test } from './fixtures';

// The login form's path (its server action) is held to the same answers as POST /api/session, whose
// table in hostile-input.spec.ts runs the same names. The value is put in the field as a script,
// dictation or a paste would put it, and the browser posts the form as it always does: natively
// without JavaScript, through React's action call with it. Only unknown names: nothing may throttle
// the demo accounts.
for (const javaScriptEnabled of [false, true]) {
  test.describe(javaScriptEnabled ? 'with JavaScript' : 'without JavaScript', () => {
    test.use({ javaScriptEnabled });

    for (const { name, username, error } of HOSTILE_USERNAMES) {
      test(`the login form answers ${name} with ${error ? 'the field error' : 'wrong username or password'}, and signs nobody in`, async ({ page, loginPage }) => {
        await loginPage.goto();
        await loginPage.username.evaluate((input: HTMLInputElement, value) => (input.value = value), username);
        await loginPage.password.fill('whatever');
        await loginPage.submit.click();
        await expect(loginPage.errorSummary).toBeVisible();
        const message = error ?? 'Wrong username or password.';
        await expect(loginPage.errorSummary.getByRole('link', { name: message })).toHaveAttribute('href', '#username');
        if (error) {
          await expect(loginPage.username).toHaveAttribute('aria-invalid', 'true');
          await expect(loginPage.username).toHaveAccessibleDescription(`Error: ${error}`);
        } else {
          await expect(loginPage.username).not.toHaveAttribute('aria-invalid');
        }
        expect(await page.context().cookies()).toEqual([]);
        expect((await sessionStatus(page.request)).body).toEqual({ authenticated: false, reason: 'no-session' });
      });
    }
  });
}
