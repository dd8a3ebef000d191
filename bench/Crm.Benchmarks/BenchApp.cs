using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Core;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Benchmarks;

/// <summary>
/// The real service in this process on a real Kestrel port (127.0.0.1, any free port), configured
/// like the API tests: its own table and queue prefix, a signing key, the platform key, and a rate
/// limit high enough never to refuse. Callers talk to it over HTTP only.
/// </summary>
internal sealed class BenchApp : WebApplicationFactory<Program>
{
    public const string PlatformKey = "bench-platform-key-0123456789";
    private const string SigningKey = "bench-signing-key-0123456789-0123456789-0123456789";
    public const string Password = "Bench-Password-1";

    private readonly string _storage;

    public BenchApp(string storage, string prefix)
    {
        _storage = storage;
        Prefix = prefix;
        // The content root is this program's folder, where the build put the service's host.json: the
        // published layout. (The factory would otherwise look for its manifest in the working directory.)
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_CRM_FUNCTIONS", AppContext.BaseDirectory);
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
    }

    public string Prefix { get; }

    /// <summary>One client for every benchmark worker: pooled keep-alive connections, no per-host cap.</summary>
    public HttpClient Http { get; private set; } = null!;

    public void Start()
    {
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Http = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri(address),
            Timeout = TimeSpan.FromSeconds(60),
        };
        Progress.Say($"service listening on {address} (tables prefixed '{Prefix}')");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Storage:ConnectionString", _storage);
        builder.UseSetting("Storage:Prefix", Prefix);
        builder.UseSetting("Auth:SigningKey", SigningKey);
        builder.UseSetting("Auth:AccessTokenLifetime", "02:00:00");
        builder.UseSetting("CRM_PLATFORM_KEY", PlatformKey);
        builder.UseSetting("RateLimits:PermitsPerWindow", "1000000000");
        builder.UseSetting("Triggers:Timers:Enabled", "false");
        // The approvals part measures the orchestration path, not DTFx's idle back-off (up to 30 s between polls by default).
        builder.UseSetting("Orchestrations:MaxQueuePollingInterval", "00:00:00.500");
        builder.UseSetting("Orchestrations:LeaseAcquireInterval", "00:00:01");
        // Request logging off, as in the usual ASP.NET production settings; the console would otherwise print two lines a request.
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // The webhooks part delivers to a receiver in this process, on loopback over http (what production refuses).
        builder.UseSetting("Webhooks:AllowHttp", "true");
        builder.UseSetting("Webhooks:AllowPrivateTargets", "true");
        builder.ConfigureTestServices(services =>
        {
            // The same client the service builds, plus a counting policy (the last registration wins).
            services.AddSingleton(_ =>
            {
                var clientOptions = new TableClientOptions();
                clientOptions.AddPolicy(Calls, HttpPipelinePosition.PerRetry);
                return new TableServiceClient(_storage, clientOptions);
            });
            services.AddTransient<IStartupFilter, MarkRequests>();
        });
    }

    /// <summary>Storage calls the service makes, inside requests and in the background.</summary>
    public StorageCallCounter Calls { get; } = new();

    /// <summary>Marks the handling of every HTTP request, so its storage calls count as the request's.</summary>
    private sealed class MarkRequests : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                StorageCallCounter.InRequest.Value = true;
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Http?.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>A timed load whose note says what each operation cost in storage calls (in the request, and in the background).</summary>
    public async Task<Measurement> MeasureAsync(string name, int clients, TimeSpan warmup, TimeSpan duration, Func<int, CancellationToken, Task> operation)
    {
        var start = Calls.Snapshot();
        var end = start;
        var measured = await Load.RunAsync(name, clients, warmup, duration, operation, () => start = Calls.Snapshot(), () => end = Calls.Snapshot());
        return measured with
        {
            Note = $"storage per request: {end.Request.Minus(start.Request).PerOperation(measured.Ops)}"
                + $"; meanwhile in the background: {end.Background.Minus(start.Background).PerOperation(measured.Ops)}",
        };
    }

    /// <summary>Runs an operation a few times, one at a time, counting rows too; what one costs in storage.</summary>
    public async Task<string> ProbeAsync(int times, Func<Task> operation)
    {
        Calls.Detailed = true;
        try
        {
            var before = Calls.Snapshot().Request;
            for (var i = 0; i < times; i++)
            {
                await operation();
            }
            return Calls.Snapshot().Request.Minus(before).PerOperation(times);
        }
        finally
        {
            Calls.Detailed = false;
        }
    }

    /// <summary>Provisions a tenant through the API and signs its administrator in.</summary>
    public async Task<BenchTenant> NewTenantAsync(string label)
    {
        var slug = $"{label}-{Guid.NewGuid():N}"[..24];
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tenants")
        {
            Content = JsonContent.Create(new { name = "Bench " + label, slug, adminLogin = "admin", adminPassword = Password, adminName = "Admin" }),
        };
        request.Headers.Add("X-Platform-Key", PlatformKey);
        using var created = await Http.SendAsync(request);
        var body = await Expect(created, HttpStatusCode.Created);
        var tenant = body.GetProperty("tenant");

        using var signIn = await Http.PostAsJsonAsync("/api/v1/auth/token", new { tenant = slug, login = "admin", password = Password });
        var tokens = await Expect(signIn, HttpStatusCode.OK);
        return new BenchTenant(tenant.GetProperty("id").GetString()!, slug, tenant.GetProperty("officeDepartmentId").GetString()!,
            body.GetProperty("adminUserId").GetString()!,
            new AuthenticationHeaderValue("Bearer", tokens.GetProperty("accessToken").GetString()));
    }

    public static async Task<JsonElement> Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != status)
        {
            throw new HttpRequestException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery} answered {(int)response.StatusCode}: {text}");
        }
        return JsonSerializer.Deserialize<JsonElement>(text);
    }
}

/// <summary>A provisioned tenant and its administrator's bearer token.</summary>
internal sealed record BenchTenant(string Id, string Slug, string OfficeDepartmentId, string AdminUserId, AuthenticationHeaderValue Auth)
{
    public HttpRequestMessage Request(HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = Auth;
        return request;
    }
}
