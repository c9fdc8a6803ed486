// k6 version of locustfile.py, for teams that use k6: the same read-heavy mix, writes with
// If-Match, and the profiles and thresholds of profiles.json (k6 fails the run when one is missed).
//   k6 run -e PROFILE=smoke -e HOST=https://staging.example.com loadtests/k6.js
// With authentication, pass the same credential as the locust run: -e LOADTEST_AUTHORIZATION="Bearer ..."
import http from "k6/http";
import { check, sleep } from "k6";

const config = JSON.parse(open("./profiles.json"));
const profileName = __ENV.PROFILE || "smoke";
const profile = config.profiles[profileName];
if (!profile) {
  throw new Error(`unknown load profile ${profileName}: pick one of ${Object.keys(config.profiles).join(", ")}`);
}
const limits = Object.assign({}, config.thresholds, profile.thresholds || {});
const HOST = (__ENV.HOST || "http://127.0.0.1:8000").replace(/\/$/, "");
// Sent on every request when set, as locustfile.py does with the same variable.
const AUTH_HEADERS = __ENV.LOADTEST_AUTHORIZATION ? { Authorization: __ENV.LOADTEST_AUTHORIZATION } : {};
const JSON_HEADERS = Object.assign({ "Content-Type": "application/json" }, AUTH_HEADERS);

// profiles.json stages end at `until_seconds` since the start; k6 stages last `duration` each.
function k6Stages(stages, spawnRate) {
  const result = [];
  let elapsed = 0;
  let users = 0;
  for (const stage of stages) {
    const ramp = Math.max(1, Math.ceil(Math.abs(stage.users - users) / spawnRate));
    const hold = Math.max(0, stage.until_seconds - elapsed - ramp);
    result.push({ duration: `${ramp}s`, target: stage.users });
    if (hold > 0) {
      result.push({ duration: `${hold}s`, target: stage.users });
    }
    elapsed = stage.until_seconds;
    users = stage.users;
  }
  return result;
}

export const options = {
  scenarios: {
    [profileName]: {
      executor: "ramping-vus",
      startVUs: 0,
      stages: k6Stages(profile.stages, profile.spawn_rate),
      gracefulRampDown: "10s",
    },
  },
  thresholds: {
    http_req_duration: [`p(95)<${limits.p95_ms}`],
    http_req_failed: [`rate<=${limits.error_ratio}`],
    http_reqs: [`rate>=${limits.min_rps}`],
  },
};

function createItem() {
  const body = JSON.stringify({ name: `k6-${__VU}-${__ITER}-${Date.now()}`, price: "9.99" });
  const response = http.post(`${HOST}/items`, body, { headers: JSON_HEADERS, tags: { name: "POST /items" } });
  check(response, { "created": (r) => r.status === 201 });
  return response.status === 201 ? { id: response.json("id"), etag: response.headers["Etag"] } : null;
}

export default function () {
  http.get(`${HOST}/items?limit=20`, { headers: AUTH_HEADERS, tags: { name: "GET /items" } });
  const item = Math.random() < 0.2 ? createItem() : null;
  if (item) {
    const read = http.get(`${HOST}/items/${item.id}`, { headers: AUTH_HEADERS, tags: { name: "GET /items/{id}" } });
    check(read, { "read": (r) => r.status === 200 });
    const updated = http.patch(`${HOST}/items/${item.id}`, JSON.stringify({ price: "19.99" }), {
      headers: Object.assign({ "If-Match": item.etag }, JSON_HEADERS),
      tags: { name: "PATCH /items/{id} If-Match" },
    });
    check(updated, { "updated with If-Match": (r) => r.status === 200 });
    if (Math.random() < 0.5 && updated.status === 200) {
      const deleted = http.del(`${HOST}/items/${item.id}`, null, {
        headers: Object.assign({ "If-Match": updated.headers["Etag"] }, AUTH_HEADERS),
        tags: { name: "DELETE /items/{id} If-Match" },
      });
      check(deleted, { "deleted": (r) => r.status === 204 });
    }
  }
  sleep(0.05 + Math.random() * 0.45);
}
