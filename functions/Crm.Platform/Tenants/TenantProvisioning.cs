using System.ComponentModel.DataAnnotations;
using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Domain.Organisation;
using Crm.Domain.Tenants;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Roles;
using Crm.Platform.Users;
using Crm.Storage.Records;
using Crm.Storage.Tenants;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Platform.Tenants;

public sealed record CreateTenant
{
    [Required, StringLength(100, MinimumLength = 1)]
    public string Name { get; init; } = "";

    /// <summary>Lower-case letters, digits and dashes; what users type to sign in.</summary>
    [Required, StringLength(40, MinimumLength = 3)]
    public string Slug { get; init; } = "";

    [Required, StringLength(254)]
    public string AdminLogin { get; init; } = "";

    [Required, StringLength(128)]
    public string AdminPassword { get; init; } = "";

    [Required, StringLength(100, MinimumLength = 1)]
    public string AdminName { get; init; } = "";

    [StringLength(3, MinimumLength = 3)]
    public string? Currency { get; init; }

    [StringLength(64)]
    public string? TimeZone { get; init; }
}

public sealed record TenantCreated(Tenant Tenant, string AdminUserId);

/// <summary>
/// Creates a company: the tenant row (claiming its slug), the top department "Office", the built-in
/// roles, the first super administrator, and what each feature gives a new tenant (<see cref="ITenantSeed"/>:
/// the default data dictionaries, the default pipeline). The
/// ids are fixed in the tenant row first, so an interrupted provisioning resumes where it stopped instead of leaving a tenant without an administrator.
/// </summary>
public sealed class TenantProvisioning(TenantStore tenants, RecordStore<Department> departments, RecordStore<Role> roles, UserService users,
    PermissionCatalogue catalogue, IEnumerable<BuiltInRoleGrant> grants, IEnumerable<ITenantSeed> seeds, TimeProvider clock)
{
    /// <summary>Creates what a tenant starts with, the roles everyone else is checked against included.</summary>
    public static readonly BackgroundActor Actor = BackgroundActor.Unrestricted("provisioning");

    public async Task<TenantCreated> ProvisionAsync(CreateTenant input, CancellationToken cancellationToken)
    {
        RequestValidation.Validate(input);
        var slug = input.Slug.Trim().ToLowerInvariant();
        if (!Tenant.IsValidSlug(slug))
        {
            throw new ValidationException("slug", "Use 3-40 lower-case letters, digits and dashes, starting and ending with a letter or digit.");
        }
        if (input.TimeZone is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(input.TimeZone, out _))
        {
            throw new ValidationException("timeZone", "Unknown IANA time zone.");
        }
        // Everything about the administrator is checked before the first write: a sign-up refused
        // half-way would leave a claimed slug and an Office that a later sign-up silently resumes.
        if (!OrganisationRules.IsValidLogin(input.AdminLogin.Trim()))
        {
            throw new ValidationException("adminLogin", "Must be a mobile phone number, an e-mail address, or a user name (a letter, then 2-63 letters, digits, dots, dashes or underscores).");
        }
        PasswordPolicy.Validate("adminPassword", input.AdminPassword, input.AdminLogin);
        var tenant = await tenants.FindBySlugAsync(slug, cancellationToken);
        if (tenant is { Provisioned: true })
        {
            throw new ConflictException("tenant.slug_taken", $"The tenant slug '{slug}' is already taken.");
        }
        var now = clock.GetUtcNow();
        if (tenant is null)
        {
            tenant = new Tenant
            {
                Id = Ids.New(now),
                Slug = slug,
                Name = input.Name.Trim(),
                Currency = input.Currency?.ToUpperInvariant() ?? "CNY",
                TimeZone = input.TimeZone ?? "Asia/Shanghai",
                OfficeDepartmentId = Ids.New(now),
                AdminUserId = Ids.New(now),
                CreatedAt = now,
            };
            await tenants.CreateAsync(tenant, cancellationToken);
        }
        var context = Actor.Write(tenant.Id, now);
        if (await departments.FindAsync(tenant.Id, tenant.OfficeDepartmentId, cancellationToken) is null)
        {
            await departments.CreateAsync(context, new Department { Id = tenant.OfficeDepartmentId, Name = "Office" }, cancellationToken: cancellationToken);
        }
        var superAdminRoleId = await EnsureBuiltInRolesAsync(context, cancellationToken);
        if (await users.Store.FindAsync(tenant.Id, tenant.AdminUserId, cancellationToken) is null)
        {
            await users.CreateAsync(context, new CreateUser
            {
                Login = input.AdminLogin,
                Password = input.AdminPassword,
                Name = input.AdminName,
                DepartmentId = tenant.OfficeDepartmentId,
                RoleIds = [superAdminRoleId],
            }, tenant.AdminUserId, cancellationToken);
        }
        // Each is idempotent, so a provisioning that stopped half-way completes them on the next attempt.
        foreach (var seed in seeds)
        {
            await seed.SeedAsync(context, cancellationToken);
        }
        tenant = tenant with { Provisioned = true };
        await tenants.UpdateAsync(tenant, cancellationToken);
        return new TenantCreated(tenant, tenant.AdminUserId);
    }

    /// <summary>Creates the built-in roles that do not exist yet, with what the modules grant them; returns the super administrator role's id.</summary>
    private async Task<string> EnsureBuiltInRolesAsync(WriteContext context, CancellationToken cancellationToken)
    {
        string? superAdminRoleId = null;
        foreach (var role in BuiltInRoles.Compose(catalogue.Modules, grants))
        {
            var id = await roles.FindIdByUniqueKeyAsync(context.TenantId, RoleRecordType.BuiltInKey, role.BuiltIn!, cancellationToken)
                ?? (await roles.CreateAsync(context, role, cancellationToken: cancellationToken)).Id;
            superAdminRoleId = role.IsSuperAdmin ? id : superAdminRoleId;
        }
        return superAdminRoleId!;
    }
}
