import type { Metadata } from 'next';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Session timeout, done right', template: '%s · Session timeout, done right' },
  description: 'A sliding session that the server enforces, with an accessible warning before it ends.',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request, so each gets the CSP nonce that proxy.ts made for it.
  await connection();
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
