import { useEffect, useState } from 'react';
import { ACTIVITY_EVENTS } from '@/lib/client/activity';
import { mount } from './root';

/** The usual first attempt: the last activity in React state, so every event renders (performance.now(): no two equal). */
function Naive() {
  const [, setLast] = useState(0);
  useEffect(() => {
    const onActivity = () => setLast(performance.now());
    for (const type of ACTIVITY_EVENTS) window.addEventListener(type, onActivity, { capture: true, passive: true });
    return () => {
      for (const type of ACTIVITY_EVENTS) window.removeEventListener(type, onActivity, { capture: true });
    };
  }, []);
  return null;
}

mount(<Naive />);
