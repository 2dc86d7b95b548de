# packsmith image: the controller and the admission/conversion webhook (`packsmith controller run`,
# `packsmith webhook`). Node 24 runs the TypeScript sources directly (type stripping), so the build
# stage only installs, checks and prunes; the runtime stage holds production dependencies and
# sources, and runs as the non-root uid/gid 65532 the deploy manifests expect.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# --ignore-scripts: the `node` devDependency's install script would fetch a second Node 24; the
# base image already is one, and no other dependency needs an install script.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY scripts ./scripts
COPY config ./config
COPY src ./src
# Fail the build on type errors or on stale generated manifests, then keep runtime files only.
RUN npx tsc --noEmit -p tsconfig.build.json \
 && node scripts/gen-crds.ts --check \
 && npm prune --omit=dev --ignore-scripts \
 && find src -name '*.test.ts' -delete \
 && rm -rf src/*/testing

FROM ${NODE_IMAGE}
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/src ./src
COPY --from=build /app/config ./config
# Numeric, so Kubernetes can verify runAsNonRoot without an /etc/passwd entry.
USER 65532:65532
EXPOSE 8443
ENTRYPOINT ["node", "/app/src/cli/main.ts"]
CMD ["--help"]
