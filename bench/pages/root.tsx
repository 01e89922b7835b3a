import { Profiler, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';

declare global {
  interface Window {
    /** React commits since the page loaded, counted by the Profiler around the variant. */
    commits: number;
  }
}

/** The same tree for every variant: a little page, and the variant's listeners inside a Profiler. */
export function mount(variant: ReactNode) {
  window.commits = 0;
  const container = document.createElement('div');
  document.body.append(container);
  createRoot(container).render(
    <Profiler id="bench" onRender={() => (window.commits += 1)}>
      <main>
        <h1>Dashboard</h1>
        <p>Some text on a protected page.</p>
        <textarea aria-label="Notes" defaultValue="" />
        {variant}
      </main>
    </Profiler>,
  );
}
