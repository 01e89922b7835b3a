'use client';

import { useEffect, useState } from 'react';
import { draftKey, readDraft, writeDraft } from '@/lib/client/notes-draft';

/**
 * The demo's unsaved work. Every keystroke is kept in this browser, per user, so a timeout sign-out
 * loses nothing; tabs of the same user show the same text, so no tab overwrites another's words.
 */
export function NotesEditor({ username }: { username: string }) {
  const [text, setText] = useState('');
  const [restored, setRestored] = useState(false);

  useEffect(() => {
    const saved = readDraft(username);
    // Reading storage has to wait for the browser; the server renders an empty editor.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setText(saved);
    setRestored(saved !== '');
    const onStorage = (event: StorageEvent) => {
      if (event.key === draftKey(username)) setText(event.newValue ?? '');
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, [username]);

  const onChange = (value: string) => {
    setText(value);
    writeDraft(username, value);
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
