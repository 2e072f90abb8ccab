/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Tests and the demo run the build side by side with their own dist dirs.
  distDir: process.env.SHARDSCOPE_DIST_DIR || '.next',
};

export default nextConfig;
