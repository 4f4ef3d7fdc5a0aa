// Flat config: typescript-eslint's recommended rules plus Pulumi's plugin, whose
// `no-output-in-template-literal` catches `${output}` strings that render as "Calling [toString] on an Output".
const tseslint = require("typescript-eslint");
const pulumi = require("@pulumi/eslint-plugin");

module.exports = tseslint.config(
  { ignores: ["node_modules/**", "bin/**", "out/**", "scratch/**", "**/*.js"] },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    plugins: { "@pulumi": pulumi },
    rules: {
      "@pulumi/no-output-in-template-literal": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // Tests and the mock cloud handle loosely typed recorded inputs on purpose.
    files: ["test/**/*.ts", "tools/offline/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
