# The self-hosted server (Node + libSQL) as a container: built JavaScript and runtime dependencies only.
#   docker build -t xingping .
#   docker run -d --name xingping -p 127.0.0.1:8788:8788 -v xingping-data:/data \
#     -e APP_SECRET="$(openssl rand -base64 32)" -e TRUST_PROXY=1 xingping
# Keep APP_SECRET in a file or secret store, not in shell history: see docs/operations.md.

# build: the pages (vite) and dist/node.js (esbuild) from the full toolchain
FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# run: no TypeScript, no build tools; everything the server writes (database, meeting photos, the audit trail's
# anchors and archives) under /data, the volume that is kept and backed up (/app is root's, not writable)
FROM node:22-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8788 \
    DATABASE_URL=file:/data/xingping.db \
    PHOTO_DIR=/data/photos \
    AUDIT_ARCHIVE_DIR=/data/audit-archive
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8788
# database reachable and migrations current (GET /api/health answers 200, else 503)
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8788) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM lets the requests in flight finish (their ballots are committed) before the process exits
STOPSIGNAL SIGTERM
CMD ["node", "--max-semi-space-size=64", "dist/node.js"]
