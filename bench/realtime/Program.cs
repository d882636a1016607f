using AgentCore.Gateway.Bench.Realtime;

// Usage (run.sh runs these, pinned and in rounds; see docs/benchmarks.md):
//   idle    --realtime PATH/AgentCore.Gateway.Realtime.dll|bare [--connections 10000] [--concurrency 50] [--settle-seconds 45] [--gcdump-dir DIR] [--set Key=Value ...]
//   latency --realtime DLL --edge DLL --agentruntime DLL [--subscribers 1000] [--agents 100] [--rates 100,300,1000] [--seconds 30] [--warmup-seconds 30] [--source outbox|stream] [--transport websocket|sse] [--set Key=Value ...]
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: idle|latency --name value ...");
    return 2;
}

var arguments = new BenchArguments(args.Skip(1));
return args[0] switch
{
    "idle" => await IdleBench.RunAsync(arguments),
    "latency" => await LatencyBench.RunAsync(arguments),
    "bare-server" => await BareServer.RunAsync(),
    _ => throw new ArgumentException($"Unknown bench '{args[0]}'."),
};
