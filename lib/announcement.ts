/**
 * What the warning dialog's live region says. It changes once a minute, then every 20 seconds in the
 * last minute: a screen reader told every second would talk over the user (the GOV.UK/HMRC dialog's lesson).
 */
export function timeLeftAnnouncement(secondsLeft: number): string {
  if (secondsLeft > 60) {
    const minutes = Math.ceil(secondsLeft / 60);
    return `You will be logged out in ${minutes} minutes.`;
  }
  const seconds = Math.max(20, Math.ceil(secondsLeft / 20) * 20);
  return `You will be logged out in ${seconds} seconds.`;
}
