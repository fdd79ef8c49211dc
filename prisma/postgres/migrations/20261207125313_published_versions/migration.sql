-- AlterTable
ALTER TABLE "Rule" ADD COLUMN     "publishedVersion" INTEGER;

-- CreateTable
CREATE TABLE "Deployment" (
    "id" TEXT NOT NULL,
    "ruleId" TEXT NOT NULL,
    "fromVersion" INTEGER,
    "toVersion" INTEGER NOT NULL,
    "message" TEXT NOT NULL DEFAULT '',
    "actor" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Deployment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Deployment_ruleId_createdAt_idx" ON "Deployment"("ruleId", "createdAt" DESC);

-- AddForeignKey
ALTER TABLE "Deployment" ADD CONSTRAINT "Deployment_ruleId_fkey" FOREIGN KEY ("ruleId") REFERENCES "Rule"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Before this migration every saved version was live the moment it was saved: the latest one of
-- each rule stays live, and its deployment is dated when it was saved.
UPDATE "Rule" SET "publishedVersion" = (SELECT MAX(v."number") FROM "RuleVersion" v WHERE v."ruleId" = "Rule"."id");
INSERT INTO "Deployment" ("id", "ruleId", "fromVersion", "toVersion", "message", "actor", "createdAt")
SELECT 'upgrade-' || r."id", r."id", NULL, r."publishedVersion", 'Published at upgrade: the latest saved version stays live', NULL, v."createdAt"
FROM "Rule" r JOIN "RuleVersion" v ON v."ruleId" = r."id" AND v."number" = r."publishedVersion";
