import "server-only";
import type { Language } from "@/server/contracts/run";
import { resolveLimits } from "@/server/contracts/limits";
import { isUniqueViolation } from "./errors";
import { publishVersion } from "./deployments";
import { createRule, hasNoRules } from "./rules";

interface ExampleRule {
  name: string;
  description: string;
  language: Language;
  source: string;
  sample: { name: string; input: unknown; expectedOutput: unknown };
}

/** The examples a newcomer sees on first start; each expected output is what version 1 returns. */
export const EXAMPLE_RULES: readonly ExampleRule[] = [
  {
    name: "Order discount",
    description: "10% off orders over 100, 5% more for gold customers, never more than 20%.",
    language: "javascript",
    source: `import _ from "lodash";

// 10% off orders over 100, 5% more for gold customers, never more than 20%.
export default function rule(input, ctx) {
  const subtotal = _.sumBy(input.items, (item) => item.price * item.quantity);
  let rate = subtotal > 100 ? 0.1 : 0;
  if (input.customer.tier === "gold") rate += 0.05;
  rate = _.round(Math.min(rate, 0.2), 2);
  ctx.log("subtotal", subtotal, "rate", rate);
  return { subtotal, discountRate: rate, total: _.round(subtotal * (1 - rate), 2) };
}
`,
    sample: {
      name: "Gold customer over 100",
      input: {
        customer: { id: "c-42", tier: "gold" },
        items: [
          { sku: "A-1", price: 40, quantity: 2 },
          { sku: "B-7", price: 25.5, quantity: 1 },
        ],
      },
      expectedOutput: { subtotal: 105.5, discountRate: 0.15, total: 89.68 },
    },
  },
  {
    name: "Loan eligibility",
    description: "Adult applicants whose debts, including the new monthly payment, stay within 40% of income.",
    language: "typescript",
    source: `import dayjs from "dayjs";
import Decimal from "decimal.js";

interface LoanRequest {
  applicationDate: string;
  amount: number;
  termMonths: number;
  annualRatePercent: number;
  applicant: { birthDate: string; annualIncome: number; monthlyDebts: number };
}

interface Decision {
  eligible: boolean;
  age: number;
  monthlyPayment: string;
  debtToIncome: string;
  reasons: string[];
}

export default function rule(input: LoanRequest, ctx: RuleContext): Decision {
  const age = dayjs(input.applicationDate).diff(dayjs(input.applicant.birthDate), "year");
  const r = new Decimal(input.annualRatePercent).div(100).div(12);
  const n = input.termMonths;
  // Annuity payment; money math in Decimal so cents do not drift.
  const payment = r.isZero()
    ? new Decimal(input.amount).div(n)
    : new Decimal(input.amount).mul(r).div(new Decimal(1).minus(r.plus(1).pow(-n)));
  const dti = new Decimal(input.applicant.monthlyDebts).plus(payment).div(new Decimal(input.applicant.annualIncome).div(12));
  const reasons: string[] = [];
  if (age < 18) reasons.push("applicant must be at least 18");
  if (dti.gt(0.4)) reasons.push("debt-to-income ratio above 40%");
  ctx.log("age", age, "dti", dti.toFixed(3));
  return { eligible: reasons.length === 0, age, monthlyPayment: payment.toFixed(2), debtToIncome: dti.toFixed(3), reasons };
}
`,
    sample: {
      name: "Typical applicant",
      input: {
        applicationDate: "2025-06-01",
        amount: 20000,
        termMonths: 48,
        annualRatePercent: 6.5,
        applicant: { birthDate: "1990-04-15", annualIncome: 54000, monthlyDebts: 450 },
      },
      expectedOutput: { eligible: true, age: 35, monthlyPayment: "474.30", debtToIncome: "0.205", reasons: [] },
    },
  },
];

/**
 * Creates the example rules when the database has no rule at all (first start). Returns the names
 * created. Two servers starting on one database at once are harmless: the loser hits the unique
 * name and skips.
 */
export async function seedExampleRules(): Promise<string[]> {
  if (!(await hasNoRules())) return [];
  const created: string[] = [];
  for (const example of EXAMPLE_RULES) {
    try {
      const rule = await createRule({
        name: example.name,
        description: example.description,
        limits: {},
        firstVersion: { source: example.source, language: example.language, message: "Example rule", limits: resolveLimits({}) },
        sampleTestCase: example.sample,
      });
      // Examples are live from the start, so the README's execute example answers at once.
      await publishVersion(rule.id, 1, { message: "Example rule" });
      created.push(example.name);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
  }
  return created;
}
