# One image per app, from one file: docker build --build-arg APP=gateway .
FROM node:24-bookworm-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM dependencies AS build
ARG APP
COPY . .
# --omit=optional as well: npm keeps a devDependency that a production package lists as an
# optional peer (typeorm's ts-node and mongodb, hence typescript and @swc/core: 41 of 182 MB;
# npm/cli#6282). The one optional dependency it also drops, pg-cloudflare, is for Cloudflare
# Workers. npm run test:image runs these steps and the apps from what they leave.
RUN test -n "$APP" && npx nest build "$APP" && npm prune --omit=dev --omit=optional

FROM node:24-bookworm-slim AS runtime
ARG APP
ENV NODE_ENV=production \
    APP=${APP}
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/apps/${APP} ./dist/apps/${APP}
USER node
# Each app answers GET /health on its HTTP port; compose's healthchecks call it.
CMD ["sh", "-c", "exec node dist/apps/$APP/main.js"]
