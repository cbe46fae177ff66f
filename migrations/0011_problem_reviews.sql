CREATE TABLE `problem_reviews` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`village_id` text NOT NULL,
	`subject_kind` text NOT NULL,
	`subject_id` text NOT NULL,
	`year` integer NOT NULL,
	`content` text NOT NULL,
	`raised_at` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`problem_id` text,
	`reason` text,
	`decided_by` text,
	`decided_at` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`problem_id`) REFERENCES `problems`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "problem_reviews_content" CHECK(length("problem_reviews"."content") BETWEEN 1 AND 1000),
	CONSTRAINT "problem_reviews_decision" CHECK(("problem_reviews"."status" = 'pending') = ("problem_reviews"."decided_at" IS NULL)),
	CONSTRAINT "problem_reviews_reason" CHECK("problem_reviews"."status" <> 'dismissed' OR length("problem_reviews"."reason") > 0)
);
--> statement-breakpoint
CREATE INDEX `problem_reviews_tenant_status` ON `problem_reviews` (`tenant_id`,`status`,`village_id`);