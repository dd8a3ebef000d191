using System.Net;
using DurableTask.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Crm.Orchestrations;

/// <summary>
/// The Durable Task sidecar (<see cref="TaskHubGrpcServer"/>) inside this process, over the Azure Storage backend:
/// the SDK's worker and client talk gRPC to it on a loopback port the operating system picks, never a public one.
/// In a worker it also runs the dispatchers that lease partitions and hand work items to the worker; elsewhere it
/// only serves the client (start, raise, query, terminate).
/// </summary>
internal sealed class OrchestrationSidecar(
    TaskHub hub,
    OrchestrationRole role,
    ILoggerFactory loggers) : IHostedService, IAsyncDisposable
{
    private readonly TaskCompletionSource<IPEndPoint> _endpoint = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger _logger = loggers.CreateLogger<OrchestrationSidecar>();
    // Never disposed: it holds no timer or registration, and the host may dispose this service while it is still
    // stopping it (WebApplicationFactory stops the host as the app's own entry point disposes it), so Cancel must
    // stay callable in any order.
    private readonly CancellationTokenSource _stopping = new();
    private Task? _starting;
    private IHost? _server;

    /// <summary>Where the sidecar listens, once it does; the channel's connections wait for it.</summary>
    public Task<IPEndPoint> Endpoint => _endpoint.Task;

    /// <summary>
    /// Starts in the background and keeps trying while storage is unreachable (no managed identity yet, a network
    /// outage): like the rest of the service, a replica comes up and says what is wrong (readyz) rather than crash-looping.
    /// Calls through the client wait for the sidecar meanwhile.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _starting = Task.Run(() => KeepStartingAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task KeepStartingAsync(CancellationToken stopping)
    {
        for (var attempt = 0; !stopping.IsCancellationRequested; attempt++)
        {
            try
            {
                await StartServerAsync(stopping);
                return;
            }
            catch (Exception e) when (!stopping.IsCancellationRequested)
            {
                _logger.LogError(e, "The orchestration sidecar for task hub {TaskHub} could not start (attempt {Attempt}); trying again", hub.Name, attempt + 1);
                await (_server?.StopAsync(CancellationToken.None) ?? Task.CompletedTask);
                _server?.Dispose();
                _server = null;
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, 1 << Math.Min(attempt, 5))), stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                // Stopped while starting: nothing to report.
                return;
            }
        }
    }

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        // The API role may start an instance before any worker ever ran: the hub's queues and tables must exist.
        await hub.Service.CreateIfNotExistsAsync();
        // A plain HostBuilder: none of the app's configuration (URLs, Kestrel endpoints, ports) reaches this server.
        _server = new HostBuilder()
            .ConfigureServices(services =>
            {
                services.AddSingleton(loggers);
                services.AddGrpc();
                services.AddSingleton<IOrchestrationService>(hub.Service);
                services.AddSingleton<IOrchestrationServiceClient>(hub.Service);
                services.AddSingleton<TaskHubGrpcServer>();
                services.Configure<TaskHubGrpcServerOptions>(o => o.Mode = role.RunsWorker
                    ? TaskHubGrpcServerMode.ApiServerAndDispatcher
                    : TaskHubGrpcServerMode.ApiServerOnly);
            })
            .ConfigureWebHost(web => web
                .UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2))
                .Configure(app => app.UseRouting().UseEndpoints(e => e.MapGrpcService<TaskHubGrpcServer>())))
            .Build();
        await _server.StartAsync(cancellationToken);
        var address = _server.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        var uri = new Uri(address);
        _endpoint.TrySetResult(new IPEndPoint(IPAddress.Loopback, uri.Port));
        _logger.LogInformation("Orchestration sidecar for task hub {TaskHub} on {Address} ({Mode})",
            hub.Name, address, role.RunsWorker ? "worker" : "client only");
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await StopStartingAsync();
        if (_server is null)
        {
            return;
        }
        // Stopping the server stops its dispatchers (they follow its lifetime) without waiting for them...
        await _server.StopAsync(cancellationToken);
        if (role.RunsWorker)
        {
            // ...so the backend is stopped here too, which releases the partition leases at once: another replica
            // takes the partitions now rather than when the leases run out.
            await hub.Service.StopAsync(isForced: true);
        }
    }

    private async Task StopStartingAsync()
    {
        await _stopping.CancelAsync();
        if (_starting is not null)
        {
            await _starting;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _endpoint.TrySetCanceled();
        await StopStartingAsync();
        if (_server is IAsyncDisposable server)
        {
            await server.DisposeAsync();
        }
        else
        {
            _server?.Dispose();
        }
        _server = null;
    }
}
