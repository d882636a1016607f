using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AgentCore.Samples.AgentRuntime.Storage.Migrations
{
    /// <inheritdoc />
    public partial class WakeOnCommit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "trace_parent",
                table: "tasks",
                type: "character varying(55)",
                maxLength: 55,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "trace_parent",
                table: "outbox",
                type: "character varying(55)",
                maxLength: 55,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_tasks_status_started_at",
                table: "tasks",
                columns: new[] { "status", "started_at" });

            // PostgreSQL delivers a notification when its transaction commits (and merges repeats within one), so the
            // listeners wake exactly on commit, once per transaction whatever the number of rows.
            migrationBuilder.Sql("""
                CREATE FUNCTION notify_commit() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify(TG_ARGV[0], '');
                    RETURN NULL;
                END
                $$;
                """);
            migrationBuilder.Sql($"CREATE TRIGGER tasks_notify_commit AFTER INSERT ON tasks FOR EACH STATEMENT EXECUTE FUNCTION notify_commit('{CommitChannels.Tasks}');");
            migrationBuilder.Sql($"CREATE TRIGGER outbox_notify_commit AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION notify_commit('{CommitChannels.Outbox}');");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER outbox_notify_commit ON outbox;");
            migrationBuilder.Sql("DROP TRIGGER tasks_notify_commit ON tasks;");
            migrationBuilder.Sql("DROP FUNCTION notify_commit();");

            migrationBuilder.DropIndex(
                name: "IX_tasks_status_started_at",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "trace_parent",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "trace_parent",
                table: "outbox");
        }
    }
}
