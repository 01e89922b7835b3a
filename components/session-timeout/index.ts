// The React side of the timeout, one import for a page: the server entry that wraps the protected pages,
// and the hook that lets a control (the Sign out button) go through the timer.
export { SessionTimeout } from './session-timeout';
export { useTimeoutController } from './provider';
