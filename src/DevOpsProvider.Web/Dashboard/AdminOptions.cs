namespace DevOpsProvider.Web.Dashboard;

public sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>The operator's user name (Admin:Username).</summary>
    public string Username { get; set; } = "admin";

    /// <summary>The operator's password hash (Admin:PasswordHash), made by <c>hash-password</c>. Required outside Development.</summary>
    public string? PasswordHash { get; set; }

    /// <summary>Sign-in attempts allowed per client address per window.</summary>
    public int SignInAttemptsPerWindow { get; set; } = 10;

    public TimeSpan SignInWindow { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>The credentials in force: configured, or in Development a one-time password made at start.</summary>
public sealed record OperatorCredentials(string Username, string PasswordHash, string? OneTimePassword);
