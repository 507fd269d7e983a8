// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "reports/", ".cache/", ".scratch/", "dist/", "fixtures/**/reaper/", "test/fixtures/team-project/"] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      "@typescript-eslint/no-unnecessary-condition": "off",
    },
  },
  { files: ["eslint.config.js", "allurerc.mjs", "**/*.mjs"], ...tseslint.configs.disableTypeChecked },
);
