'use client';

import { useEffect } from 'react';
import { listen } from '@/lib/client/activity';

/**
 * Shows `text` as the tab's title while the tab is hidden, so a countdown running in a background tab
 * can be seen in the tab strip; the page's own title comes back when the tab is visible or `text` is null.
 */
export function useHiddenTabTitle(text: string | null): void {
  useEffect(() => {
    if (text === null) return;
    const original = document.title;
    const update = () => {
      document.title = document.hidden ? text : original;
    };
    update();
    const unlisten = listen(document, ['visibilitychange'], update);
    return () => {
      unlisten();
      document.title = original;
    };
  }, [text]);
}
