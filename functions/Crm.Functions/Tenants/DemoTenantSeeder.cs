using System.Security.Cryptography;
using Crm.Functions.Hosting;
using Crm.Storage.Records;
using Crm.Storage.Tenants;

namespace Crm.Functions.Tenants;

/// <summary>
/// For the README's run command (<c>Demo:Enabled</c>): makes sure the tenant "demo" exists with the
/// administrator "admin", whose password is <c>CRM_DEMO_PASSWORD</c> or a generated one, and prints
/// where to start.
/// </summary>
internal sealed class DemoTenantSeeder(IConfiguration configuration, TenantProvisioning provisioning, TenantStore tenants, Users.UserService users,
    TimeProvider clock, IHostApplicationLifetime lifetime, IServiceProvider services) : IHostedService
{
    public const string Slug = "demo";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!configuration.GetValue<bool>("Demo:Enabled"))
        {
            return;
        }
        var password = configuration["CRM_DEMO_PASSWORD"] is { Length: > 0 } given ? given : GeneratePassword();
        var existing = await tenants.FindBySlugAsync(Slug, cancellationToken);
        if (existing is { Provisioned: true })
        {
            await users.SetPasswordAsync(new WriteContext(existing.Id, TenantProvisioning.SystemActor, null, clock.GetUtcNow()), existing.AdminUserId, password, cancellationToken);
        }
        else
        {
            await provisioning.ProvisionAsync(new CreateTenant
            {
                Name = "Demo Company",
                Slug = Slug,
                AdminLogin = "admin",
                AdminPassword = password,
                AdminName = "Administrator",
            }, cancellationToken);
        }
        lifetime.ApplicationStarted.Register(() => Announce(password));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Announce(string password)
    {
        var address = services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? configuration["urls"] ?? "";
        Console.WriteLine($$"""

            CRM is running.
              API:        {{address}}/api/v1
              Reference:  {{address}}/docs   (OpenAPI: {{address}}/openapi/v1.json)
              Sign in:    POST {{address}}/api/v1/auth/token  {"tenant":"{{Slug}}","login":"admin","password":"{{password}}"}

            """);
    }

    private static string GeneratePassword() => "Demo-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
}
