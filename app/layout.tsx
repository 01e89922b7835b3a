import type { Metadata } from 'next';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import { documentTitle, SITE_NAME } from '@/lib/shared/site';
import './globals.css';

export const metadata: Metadata = {
  title: { default: SITE_NAME, template: documentTitle('%s') },
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
