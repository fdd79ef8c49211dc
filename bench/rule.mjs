// The rule every benchmark runs (bench/run.mjs, bench/http.mjs): imports lodash, sums an order.
export const RULE_SOURCE = `import _ from "lodash";
export default function rule(input, ctx) {
  const total = _.sumBy(input.items, (item) => item.price * item.qty);
  return { total, discount: total > 100 ? 0.1 : 0, skus: _.uniq(_.map(input.items, "sku")).length };
}
`;
export const INPUT = {
  items: [
    { sku: "A-1", price: 19.5, qty: 2 },
    { sku: "B-2", price: 42, qty: 1 },
    { sku: "A-1", price: 19.5, qty: 1 },
    { sku: "C-3", price: 7.25, qty: 4 },
  ],
};
export const EXPECTED = { total: 129.5, discount: 0.1, skus: 3 };

// The same rule in Python (the Python section of bench/run.mjs): same input, same answer.
export const PYTHON_RULE_SOURCE = `def rule(input, ctx):
    total = sum(item["price"] * item["qty"] for item in input["items"])
    return {"total": total, "discount": 0.1 if total > 100 else 0, "skus": len({item["sku"] for item in input["items"]})}
`;
