using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Domain.Organisation;
using Crm.Domain.Tenants;
using Crm.Platform.Access;
using Crm.Platform.Departments;
using Crm.Platform.Records;
using Crm.Platform.Roles;
using Crm.Platform.Users;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Platform.Tenants;

/// <summary>The demo company's people as callers: its administrator, and the sales staff who own what the modules make.</summary>
public sealed record DemoTeam(Tenant Tenant, Caller Admin, IReadOnlyList<Caller> Sellers);

/// <summary>What a module made for the demo (or found made already): counts by name, and a line for the start-up message.</summary>
public sealed record DemoPart(string Description, IReadOnlyDictionary<string, int> Counts);

/// <summary>What the demo seeding made (or found made already).</summary>
public sealed record DemoSummary(int Departments, int Users, IReadOnlyList<DemoPart> Parts)
{
    public int Count(string name) => Parts.Sum(p => p.Counts.GetValueOrDefault(name));
}

/// <summary>A module's part of the demo company, made by the colleagues <see cref="DemoCompany"/> creates, in registration order.</summary>
public interface IDemoData
{
    Task<DemoPart> SeedAsync(DemoTeam team, CancellationToken cancellationToken);
}

/// <summary>
/// A realistic small company for the README's run command (issue 4 "Demo data"): sales departments with
/// a manager and reps each and a service agent, then what each module contributes (<see cref="IDemoData"/>).
/// Everything is written through the same services and checks as the API, each record by the colleague who
/// owns it, so the audit log and data scope look as they would in real use. Rerunning after an interruption
/// completes what is missing without duplicating anything (unique names and logins find what exists).
/// </summary>
public sealed class DemoCompany(AccessDirectory access, DepartmentService departments, UserService users, RecordStore<Role> roles,
    IEnumerable<IDemoData> parts)
{
    private sealed record Staff(string Login, string Name, string Department, string Position, string Role, string? Superior);

    private static readonly (string Name, string? Parent)[] Departments =
        [("Sales East", null), ("Sales North", null), ("Customer Service", null)];

    private static readonly Staff[] People =
    [
        new("zhou.min", "Zhou Min", "Sales East", "Sales Manager", "salesManager", null),
        new("li.lei", "Li Lei", "Sales East", "Account Executive", "salesRep", "zhou.min"),
        new("han.mei", "Han Mei", "Sales East", "Account Executive", "salesRep", "zhou.min"),
        new("chen.hao", "Chen Hao", "Sales North", "Sales Manager", "salesManager", null),
        new("lin.tao", "Lin Tao", "Sales North", "Account Executive", "salesRep", "chen.hao"),
        new("gao.yan", "Gao Yan", "Customer Service", "Service Agent", "serviceAgent", null),
    ];

    public async Task<DemoSummary> SeedAsync(Tenant tenant, string password, CancellationToken cancellationToken)
    {
        var admin = await CallerAsync(tenant.Id, tenant.AdminUserId, cancellationToken);
        var departmentIds = new Dictionary<string, string>();
        foreach (var (name, _) in Departments)
        {
            departmentIds[name] = await DepartmentAsync(admin, tenant.OfficeDepartmentId, name, cancellationToken);
        }
        var staff = new Dictionary<string, string>();
        foreach (var person in People)
        {
            staff[person.Login] = await UserAsync(admin, person, password, departmentIds[person.Department], person.Superior is { } s ? staff[s] : null, cancellationToken);
        }
        var sellers = await Task.WhenAll(People.Where(p => p.Role != "serviceAgent").Select(p => CallerAsync(tenant.Id, staff[p.Login], cancellationToken)));
        var team = new DemoTeam(tenant, admin, sellers);
        var made = new List<DemoPart>();
        foreach (var part in parts)
        {
            made.Add(await part.SeedAsync(team, cancellationToken));
        }
        return new DemoSummary(departmentIds.Count, staff.Count, made);
    }

    private async Task<string> DepartmentAsync(Caller admin, string parentId, string name, CancellationToken cancellationToken)
    {
        try
        {
            return (await departments.CreateAsync(admin, new CreateDepartment { Name = name, ParentId = parentId }, cancellationToken)).Id;
        }
        catch (ConflictException e) when (e.Code == "department.duplicate_name")
        {
            return (string)e.Extensions["existingId"]!;
        }
    }

    private async Task<string> UserAsync(Caller admin, Staff person, string password, string departmentId, string? superiorId, CancellationToken cancellationToken)
    {
        var roleId = await roles.FindIdByUniqueKeyAsync(admin.TenantId, RoleRecordType.BuiltInKey, person.Role, cancellationToken)
            ?? throw new InvalidOperationException($"The built-in role '{person.Role}' is missing.");
        try
        {
            return (await users.CreateAsync(admin, new CreateUser
            {
                Login = person.Login,
                Password = password,
                Name = person.Name,
                Email = $"{person.Login}@demo.example.cn",
                DepartmentId = departmentId,
                Position = person.Position,
                SuperiorId = superiorId,
                RoleIds = [roleId],
            }, cancellationToken)).Id;
        }
        catch (ConflictException e) when (e.Code == "user.duplicate_login")
        {
            return (string)e.Extensions["existingId"]!;
        }
    }

    private async Task<Caller> CallerAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        var user = await users.Store.GetAsync(tenantId, userId, cancellationToken);
        return new Caller(tenantId, userId, await access.ProfileAsync(tenantId, user, cancellationToken), null);
    }
}
