import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // A self-contained server in .next/standalone: the container ships only what it needs.
  output: 'standalone',
};

export default nextConfig;
