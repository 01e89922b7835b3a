import { useEffect } from 'react';
import { ACTIVITY_EVENTS } from '@/lib/client/activity';
import { mount } from './root';

/** The least a listener can do: note the time. */
function Floor() {
  useEffect(() => {
    let last = 0;
    const onActivity = () => {
      last = Date.now();
    };
    for (const type of ACTIVITY_EVENTS) window.addEventListener(type, onActivity, { capture: true, passive: true });
    return () => {
      for (const type of ACTIVITY_EVENTS) window.removeEventListener(type, onActivity, { capture: true });
      void last;
    };
  }, []);
  return null;
}

mount(<Floor />);
