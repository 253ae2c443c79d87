// Copies the front-end packages Takt serves into static/vendor (whitenoise serves them).
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";

const files = [
  ["node_modules/echarts/dist/echarts.min.js", "static/vendor/echarts/echarts.min.js"],
  ["node_modules/echarts/LICENSE", "static/vendor/echarts/LICENSE"],
];
for (const [from, to] of files) {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
  console.log(`${from} -> ${to}`);
}
