using Yarp.ReverseProxy.Configuration;

// Plain YARP, the floor of bench/edge/run.sh: one catch-all route to the benchmark's backend (Backend setting), no
// middleware of any kind, no logging; the YARP version and the runtime settings are the Edge's.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var backend = builder.Configuration["Backend"] ?? throw new InvalidOperationException("Set Backend to the backend's address.");
builder.Services.AddReverseProxy().LoadFromMemory(
    [new RouteConfig { RouteId = "all", ClusterId = "backend", Match = new RouteMatch { Path = "/{**rest}" } }],
    [new ClusterConfig { ClusterId = "backend", Destinations = new Dictionary<string, DestinationConfig> { ["d1"] = new() { Address = backend } } }]);

var app = builder.Build();
app.MapReverseProxy();
app.Run();
