'use client';

import { useEffect, useState } from 'react';

/**
 * The demo's unsaved work. Every keystroke is kept in this browser, per user, so a timeout sign-out
 * loses nothing: the text is back when the same user signs in again (WCAG 2.2.5).
 */
export function NotesEditor({ username }: { username: string }) {
  const storageKey = `notes-draft:${username}`;
  const [text, setText] = useState('');
  const [restored, setRestored] = useState(false);

  useEffect(() => {
    const saved = window.localStorage.getItem(storageKey);
    // Reading storage has to wait for the browser; the server renders an empty editor.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    if (saved) setText(saved);
    setRestored(Boolean(saved));
  }, [storageKey]);

  const onChange = (value: string) => {
    setText(value);
    if (value) window.localStorage.setItem(storageKey, value);
    else window.localStorage.removeItem(storageKey);
  };

  return (
    <div className="field">
      <label htmlFor="notes">Notes</label>
      <textarea id="notes" rows={8} value={text} onChange={(event) => onChange(event.target.value)} aria-describedby="notes-hint" />
      <p id="notes-hint" className="hint">
        {restored ? 'Your unsaved notes were restored.' : 'Type anything: it stays in this browser if your session times out.'}
      </p>
    </div>
  );
}
