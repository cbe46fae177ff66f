PRAGMA defer_foreign_keys=on;--> statement-breakpoint
CREATE TABLE `__new_role_grants` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`role` text NOT NULL,
	`county_id` text,
	`city_id` text,
	`tenant_id` text,
	`village_id` text,
	`member_id` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`county_id`) REFERENCES `counties`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`city_id`) REFERENCES `cities`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "role_grants_scope" CHECK(("__new_role_grants"."role" = 'platform_admin')
        OR ("__new_role_grants"."role" = 'county_viewer' AND "__new_role_grants"."county_id" IS NOT NULL)
        OR ("__new_role_grants"."role" = 'county_organiser' AND "__new_role_grants"."county_id" IS NOT NULL)
        OR ("__new_role_grants"."role" = 'city_organiser' AND "__new_role_grants"."city_id" IS NOT NULL)
        OR ("__new_role_grants"."role" = 'township_admin' AND "__new_role_grants"."tenant_id" IS NOT NULL)
        OR ("__new_role_grants"."role" = 'village_secretary' AND "__new_role_grants"."tenant_id" IS NOT NULL AND "__new_role_grants"."village_id" IS NOT NULL)
        OR ("__new_role_grants"."role" = 'party_member' AND "__new_role_grants"."tenant_id" IS NOT NULL AND "__new_role_grants"."member_id" IS NOT NULL))
);
--> statement-breakpoint
INSERT INTO `__new_role_grants`("id", "account_id", "role", "county_id", "city_id", "tenant_id", "village_id", "member_id", "created_at") SELECT "id", "account_id", "role", "county_id", NULL, "tenant_id", "village_id", "member_id", "created_at" FROM `role_grants`;--> statement-breakpoint
DROP TABLE `role_grants`;--> statement-breakpoint
ALTER TABLE `__new_role_grants` RENAME TO `role_grants`;--> statement-breakpoint
CREATE INDEX `role_grants_account` ON `role_grants` (`account_id`);--> statement-breakpoint
CREATE INDEX `role_grants_tenant` ON `role_grants` (`tenant_id`);