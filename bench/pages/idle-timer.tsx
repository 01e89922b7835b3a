import { useIdleTimer } from 'react-idle-timer';
import { mount } from './root';

function IdleTimer() {
  useIdleTimer({ timeout: 30 * 60_000, promptBeforeIdle: 5 * 60_000, crossTab: true });
  return null;
}

mount(<IdleTimer />);
