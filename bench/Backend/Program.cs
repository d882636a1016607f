// The minimal backend of the benchmarks (as in shared/notes/perf-baselines.md): 110 bytes of JSON for any path.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
var body = "{\"task_id\":\"00000000-0000-0000-0000-000000000000\",\"status\":\"created\",\"agent_id\":\"agent-1\",\"priority\":\"n\"}"u8.ToArray();
app.MapFallback(async context =>
{
    context.Response.ContentType = "application/json";
    context.Response.ContentLength = body.Length;
    await context.Response.Body.WriteAsync(body);
});
app.Run();
